import assert from "node:assert/strict";
import {
  readInteractions,
  type ReadInteractionsOptions,
} from "../src/read_interactions.ts";
import { InputError } from "../src/errors.ts";
import type { Interaction } from "../src/records.ts";
import type { LineSource } from "../src/_lines.ts";

const GOOD = new URL("./data/good/", import.meta.url);
const BAD = new URL("./data/bad/", import.meta.url);

function path(dir: URL, name: string): string {
  return decodeURIComponent(new URL(name, dir).pathname);
}

async function collect(
  source: LineSource,
  options?: ReadInteractionsOptions,
): Promise<Interaction[]> {
  const rows: Interaction[] = [];
  for await (const row of readInteractions(source, options)) rows.push(row);
  return rows;
}

async function rejectsAt(file: string, line: number, problem: RegExp) {
  await assert.rejects(collect(file), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.equal(error.file, file);
    assert.equal(error.line, line);
    assert.match(error.problem, problem);
    assert.ok(error.message.startsWith(`${file}:${line}: `), error.message);
    return true;
  });
}

const EXPECTED: Interaction[] = [
  {
    user: "u1",
    postId: "p1",
    liked: true,
    saved: false,
    hidden: false,
    ts: 100,
  },
  { user: "u2", postId: "p2", liked: false, saved: true, hidden: true },
];

Deno.test("readInteractions() reads JSONL with booleans and 0/1", async () => {
  assert.deepEqual(await collect(path(GOOD, "interactions.jsonl")), EXPECTED);
});

Deno.test("readInteractions() reads CSV with true/false, 0/1 and quoted fields", async () => {
  const rows = await collect(path(GOOD, "interactions.csv"));
  assert.deepEqual(rows, [EXPECTED[0], { ...EXPECTED[1]!, postId: "p,2" }]);
});

Deno.test("readInteractions() round-trips interactions written as JSONL", async () => {
  const text = EXPECTED.map((row) => JSON.stringify(row)).join("\n") + "\n";
  assert.deepEqual(await collect({ text }), EXPECTED);
});

Deno.test("readInteractions() names file and line of a bad flag", async () => {
  await rejectsAt(
    path(BAD, "interaction_bad_flag.jsonl"),
    2,
    /^expected "liked" to be true, false, 1 or 0, got "yes"$/,
  );
  await assert.rejects(
    collect({ text: '{"user": "u", "post_id": "p", "liked": 1, "saved": 0}' }),
    /^InputError: <string>:1: missing field "hidden"$/,
  );
});

Deno.test("readInteractions() names file and line of CSV column and field problems", async () => {
  await rejectsAt(
    path(BAD, "interactions_missing_column.csv"),
    1,
    /^missing column "hidden"$/,
  );
  await rejectsAt(
    path(BAD, "interactions_missing_field.csv"),
    3,
    /^expected 5 fields, got 4$/,
  );
  await rejectsAt(
    path(BAD, "interactions_bad_timestamp.csv"),
    2,
    /^invalid timestamp "soon"$/,
  );
});

Deno.test("readInteractions() names file and line of invalid UTF-8", async () => {
  const file = path(BAD, "non_utf8.txt");
  await assert.rejects(collect(file, { format: "csv" }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.message, `${file}:2: invalid UTF-8`);
    return true;
  });
});

Deno.test("readInteractions() rejects the text format", async () => {
  await assert.rejects(
    collect({ text: "" }, { format: "text" as "csv" }),
    RangeError,
  );
});
