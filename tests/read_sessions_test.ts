import assert from "node:assert/strict";
import { parseSessionsText, readSessions } from "../src/read_sessions.ts";
import type { ReadSessionsOptions } from "../src/read_sessions.ts";
import type { LineSource } from "../src/_lines.ts";
import { InputError } from "../src/errors.ts";
import type { Session } from "../src/records.ts";
import { Prng } from "../src/prng.ts";

const GOOD = new URL("./data/good/", import.meta.url);
const BAD = new URL("./data/bad/", import.meta.url);

function path(dir: URL, name: string): string {
  return decodeURIComponent(new URL(name, dir).pathname);
}

async function collect(
  source: LineSource,
  options?: ReadSessionsOptions,
): Promise<Session[]> {
  const sessions: Session[] = [];
  for await (const session of readSessions(source, options)) {
    sessions.push(session);
  }
  return sessions;
}

async function rejectsAt(
  file: string,
  line: number | undefined,
  problem: RegExp,
  options?: ReadSessionsOptions,
): Promise<void> {
  await assert.rejects(collect(file, options), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.equal(error.file, file);
    assert.equal(error.line, line);
    assert.match(error.problem, problem);
    const where = line === undefined ? file : `${file}:${line}`;
    assert.ok(error.message.startsWith(`${where}: `), error.message);
    return true;
  });
}

Deno.test("readSessions() reads the text format with empty sessions and CRLF", async () => {
  assert.deepEqual(await collect(path(GOOD, "sessions.txt")), [
    { accounts: ["cats", "dogs", "birds"] },
    { accounts: [] },
    { accounts: ["dogs", "cats"] },
    { accounts: ["fish"] },
  ]);
});

Deno.test("readSessions() reads an empty file as no sessions", async () => {
  assert.deepEqual(await collect(path(GOOD, "empty.txt")), []);
  assert.deepEqual(await collect({ text: "" }, { format: "csv" }), []);
});

Deno.test("readSessions() reads JSONL arrays and objects with user and ts", async () => {
  assert.deepEqual(await collect(path(GOOD, "sessions.jsonl")), [
    { accounts: ["cats", "dogs", "birds"] },
    { accounts: ["dogs"], user: "u1", ts: 1714557600 },
    { accounts: [], user: "u2", ts: Date.UTC(2024, 4, 1, 10) / 1000 },
  ]);
});

Deno.test("readSessions() groups CSV rows by session and orders them by time", async () => {
  assert.deepEqual(await collect(path(GOOD, "sessions.csv")), [
    { accounts: ["dogs, big", 'say "hi"'], user: "u2", ts: 50 },
    { accounts: ["birds", "fish", "cats"], user: "u1", ts: 90 },
  ]);
});

Deno.test("readSessions() groups CSV rows by user and splits them at gaps", async () => {
  const file = path(GOOD, "history.csv");
  const at = (h: number, m: number) => Date.UTC(2024, 4, 1, h, m) / 1000;
  assert.deepEqual(await collect(file, { delimiter: ";" }), [
    { accounts: ["c"], user: "u2", ts: at(9, 0) },
    { accounts: ["a", "b", "d", "c"], user: "u1", ts: at(10, 0) },
  ]);
  assert.deepEqual(await collect(file, { delimiter: ";", gapSeconds: 1800 }), [
    { accounts: ["c"], user: "u2", ts: at(9, 0) },
    { accounts: ["a", "b"], user: "u1", ts: at(10, 0) },
    { accounts: ["d", "c"], user: "u1", ts: at(11, 59) },
  ]);
});

Deno.test("readSessions() sorts CSV rows stably and keeps first-appearance order without time", async () => {
  const text = "user,item,ts\nx,a,5\nx,b,5\ny,c,1\nx,c,5\n";
  assert.deepEqual(await collect({ text }, { format: "csv" }), [
    { accounts: ["c"], user: "y", ts: 1 },
    { accounts: ["a", "b", "c"], user: "x", ts: 5 },
  ]);
  const untimed = "user,item\nx,a\ny,c\nx,b\n";
  assert.deepEqual(await collect({ text: untimed }, { format: "csv" }), [
    { accounts: ["a", "b"], user: "x" },
    { accounts: ["c"], user: "y" },
  ]);
});

Deno.test("readSessions() takes CSV column names from options", async () => {
  const text = "who\twhat\twhen\nu\tp\t2\nu\tq\t1\n";
  const sessions = await collect({ text }, {
    format: "csv",
    delimiter: "\t",
    userColumn: "who",
    accountColumn: "what",
    timeColumn: "when",
  });
  assert.deepEqual(sessions, [{ accounts: ["q", "p"], user: "u", ts: 1 }]);
});

Deno.test("parseSessionsText() agrees with readSessions() on random text", async () => {
  const prng = new Prng(11);
  const lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    const ids = Array.from({ length: prng.int(6) }, () => `a${prng.int(20)}`);
    lines.push(ids.join(prng.int(2) === 0 ? " " : "\t"));
  }
  const text = lines.join("\n") + "\n";
  const parsed = parseSessionsText(text);
  assert.deepEqual(parsed, await collect({ text }));
  assert.deepEqual(
    parsed.map((s) => s.accounts.join(" ")),
    lines.map((l) => l.replaceAll("\t", " ")),
  );
});

Deno.test("readSessions() reads a 10 MB single line as one session", async () => {
  const count = 1_000_000;
  const bytes = new Uint8Array(count * 10);
  const encoder = new TextEncoder();
  for (let i = 0; i < count; i++) {
    encoder.encodeInto(
      `a${String(i % 1000).padStart(8, "0")} `,
      bytes.subarray(i * 10),
    );
  }
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/long.txt`;
    await Deno.writeFile(file, bytes);
    const sessions = await collect(file);
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.accounts.length, count);
    assert.equal(sessions[0]!.accounts[1234], "a00000234");
    await rejectsAt(file, 1, /longer than the maximum of 1000000 bytes/, {
      maxLineLength: 1_000_000,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readSessions() names file and line of a truncated JSON line", async () => {
  await rejectsAt(path(BAD, "truncated.jsonl"), 2, /^invalid JSON: /);
});

Deno.test("readSessions() names file and line of a JSONL non-string id", async () => {
  await rejectsAt(
    path(BAD, "non_string_id.jsonl"),
    2,
    /^expected account id 1 to be a string, got 7$/,
  );
});

Deno.test("readSessions() names file and line of a JSONL record without accounts", async () => {
  await rejectsAt(
    path(BAD, "not_sessions.jsonl"),
    3,
    /^expected a JSON array of strings or an object with "accounts"$/,
  );
});

Deno.test("readSessions() names file and line of bad timestamps", async () => {
  await rejectsAt(
    path(BAD, "bad_timestamp.jsonl"),
    2,
    /^invalid timestamp "next tuesday"$/,
  );
  await rejectsAt(
    path(BAD, "bad_timestamp.csv"),
    3,
    /^invalid timestamp "yesterday"$/,
  );
});

Deno.test("readSessions() names the header line of wrong CSV columns", async () => {
  await rejectsAt(
    path(BAD, "wrong_columns.csv"),
    1,
    /^missing column "session"/,
  );
  await rejectsAt(
    path(GOOD, "sessions.csv"),
    1,
    /^missing column "account"$/,
    { accountColumn: "account" },
  );
  await rejectsAt(path(GOOD, "sessions.txt"), 1, /^missing column "ts"/, {
    format: "csv",
    delimiter: " ",
    gapSeconds: 60,
    userColumn: "cats",
    accountColumn: "dogs",
  });
});

Deno.test("readSessions() names file and line of a CSV row with missing fields", async () => {
  await rejectsAt(
    path(BAD, "missing_field.csv"),
    4,
    /^expected 3 fields, got 2$/,
  );
  await rejectsAt(
    path(BAD, "unterminated_quote.csv"),
    2,
    /^unterminated quoted field 2$/,
  );
});

Deno.test("readSessions() names file and line of invalid UTF-8", async () => {
  await rejectsAt(path(BAD, "non_utf8.txt"), 2, /^invalid UTF-8$/);
});

Deno.test("readSessions() rejects a directory and a missing file", async () => {
  const dir = path(BAD, "");
  await rejectsAt(dir, undefined, /^is a directory$/);
  await rejectsAt(path(BAD, "no_such_file.txt"), undefined, /^no such file$/);
});

Deno.test("readSessions() uses the name option and reads streams", async () => {
  const bytes = new TextEncoder().encode("a b\n[\n");
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, 2));
      controller.enqueue(bytes.slice(2));
      controller.close();
    },
  });
  await assert.rejects(
    collect(stream, { format: "jsonl", name: "upload.jsonl" }),
    /^InputError: upload\.jsonl:1: invalid JSON: /,
  );
});

Deno.test("readSessions() rejects bad options", async () => {
  await assert.rejects(collect({ text: "" }, { gapSeconds: -1 }), RangeError);
  await assert.rejects(collect({ text: "" }, { delimiter: ";;" }), RangeError);
  await assert.rejects(
    collect({ text: "" }, { format: "xml" as "csv" }),
    RangeError,
  );
});
