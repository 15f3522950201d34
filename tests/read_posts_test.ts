import assert from "node:assert/strict";
import { readPosts } from "../src/read_posts.ts";
import { InputError } from "../src/errors.ts";
import type { Post } from "../src/records.ts";
import type { LineSource } from "../src/_lines.ts";

const GOOD = new URL("./data/good/", import.meta.url);
const BAD = new URL("./data/bad/", import.meta.url);

function path(dir: URL, name: string): string {
  return decodeURIComponent(new URL(name, dir).pathname);
}

async function collect(source: LineSource): Promise<Post[]> {
  const posts: Post[] = [];
  for await (const post of readPosts(source)) posts.push(post);
  return posts;
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

Deno.test("readPosts() reads ids, authors, times and numeric features", async () => {
  assert.deepEqual(await collect(path(GOOD, "posts.jsonl")), [
    {
      postId: "p1",
      account: "cats",
      ts: 1714557600,
      features: { appeal: 0.25, is_video: 0 },
    },
    { postId: "p2", account: "dogs", features: { appeal: 0.75 } },
    {
      postId: "p3",
      account: "cats",
      ts: Date.UTC(2024, 4, 1) / 1000,
      features: { likes: 12 },
    },
  ]);
});

Deno.test("readPosts() reads back posts written with JSON.stringify", async () => {
  const posts: Post[] = [
    { postId: "a", account: "x", ts: 5, features: { appeal: 0.1, isVideo: 1 } },
    { postId: "b", account: "y" },
  ];
  const text = posts.map((p) => JSON.stringify(p)).join("\n");
  assert.deepEqual(await collect({ text }), posts);
});

Deno.test("readPosts() names file and line of a duplicate post id", async () => {
  await rejectsAt(
    path(BAD, "duplicate_post.jsonl"),
    3,
    /^duplicate post id "p1" \(first on line 1\)$/,
  );
});

Deno.test("readPosts() names file and line of missing or mistyped fields", async () => {
  await rejectsAt(
    path(BAD, "post_without_account.jsonl"),
    2,
    /^missing field "account"$/,
  );
  await rejectsAt(
    path(BAD, "post_numeric_account.jsonl"),
    1,
    /^expected "account" to be a non-empty string, got 5$/,
  );
});

Deno.test("readPosts() names file and line of invalid JSON and non-objects", async () => {
  await rejectsAt(path(BAD, "truncated.jsonl"), 1, /^expected a JSON object/);
  await assert.rejects(
    collect({ text: '{"post_id": "p", "account": "a"}\n{"post_id"' }),
    /^InputError: <string>:2: invalid JSON: /,
  );
  await assert.rejects(
    collect({
      text: '{"post_id": "p", "account": "a", "features": {"x": "y"}}',
    }),
    /^InputError: <string>:1: expected feature "x" to be a number, got "y"$/,
  );
});

Deno.test("readPosts() names file and line of a bad timestamp", async () => {
  await assert.rejects(
    collect({ text: '{"post_id": "p", "account": "a", "ts": "May"}' }),
    /^InputError: <string>:1: invalid timestamp "May"$/,
  );
});

Deno.test("readPosts() reads an empty file as no posts", async () => {
  assert.deepEqual(await collect(path(GOOD, "empty.txt")), []);
});
