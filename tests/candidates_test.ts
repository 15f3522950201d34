import assert from "node:assert/strict";
import { candidatePosts } from "../src/candidates.ts";
import type { Post } from "../src/records.ts";
import type { RecommendedAccount } from "../src/recommend.ts";

const NOTEBOOK_POSTS = new Map<string, Post[]>([
  ["catvideos", [{ postId: "p101", account: "catvideos" }]],
  ["meowworld", [{ postId: "p102", account: "meowworld" }]],
  ["funnycats", [{ postId: "p103", account: "funnycats" }]],
]);

const ACCOUNTS: RecommendedAccount[] = [
  { account: "catvideos", score: 0.95, because: ["catsdaily"] },
  { account: "meowworld", score: 0.9, because: ["catsdaily", "funnycats"] },
  { account: "funnycats", score: 0.7, because: ["meowworld"] },
];

Deno.test("`candidatePosts()` turns the notebook's accounts into p101–p103", () => {
  const candidates = candidatePosts(ACCOUNTS, NOTEBOOK_POSTS);
  assert.deepEqual(candidates.map((c) => c.post.postId), [
    "p101",
    "p102",
    "p103",
  ]);
  assert.deepEqual(candidates.map((c) => c.similarity), [0.95, 0.9, 0.7]);
  assert.deepEqual(candidates[1]!.because, ["catsdaily", "funnycats"]);
  // The reasons are copies: editing them leaves the input alone.
  candidates[1]!.because.push("x");
  assert.deepEqual(ACCOUNTS[1]!.because, ["catsdaily", "funnycats"]);
});

function postsOf(
  account: string,
  specs: [number, number | undefined][],
): Post[] {
  return specs.map(([ts, appeal], i): Post => ({
    postId: `${account}-${i}`,
    account,
    ts,
    features: appeal === undefined ? {} : { appeal },
  }));
}

Deno.test("`candidatePosts()` takes the newest posts per account by ts", () => {
  const posts = new Map([
    ["a", postsOf("a", [[30, 0.1], [10, 0.9], [20, 0.5]])],
  ]);
  const accounts = [{ account: "a", score: 1, because: [] }];
  const newest = candidatePosts(accounts, posts, { perAccount: 2 });
  assert.deepEqual(newest.map((c) => c.post.postId), ["a-0", "a-2"]);
});

Deno.test("`candidatePosts()` without ts takes the later posts in the list first", () => {
  const posts = new Map<string, Post[]>([[
    "a",
    [0, 1, 2].map((i) => ({ postId: `q${i}`, account: "a" })),
  ]]);
  const out = candidatePosts([{ account: "a", score: 1, because: [] }], posts, {
    perAccount: 2,
  });
  assert.deepEqual(out.map((c) => c.post.postId), ["q2", "q1"]);
});

Deno.test("`candidatePosts()` with order best sorts by the feature, then newest", () => {
  const posts = new Map([
    ["a", postsOf("a", [[30, 0.1], [10, 0.9], [20, undefined], [40, 0.9]])],
  ]);
  const accounts = [{ account: "a", score: 1, because: [] }];
  const best = candidatePosts(accounts, posts, { order: "best" });
  // Appeal 0.9 twice (newest first), then 0.1, then the post without the feature (0).
  assert.deepEqual(best.map((c) => c.post.postId), [
    "a-3",
    "a-1",
    "a-0",
    "a-2",
  ]);
  const byTs = candidatePosts(accounts, posts, {
    order: "best",
    feature: "missing",
  });
  assert.deepEqual(byTs.map((c) => c.post.postId), [
    "a-3",
    "a-0",
    "a-2",
    "a-1",
  ]);
});

Deno.test("`candidatePosts()` skips seen posts before filling each account's share", () => {
  const posts = new Map([["a", postsOf("a", [[1, 0], [2, 0], [3, 0]])]]);
  const out = candidatePosts([{ account: "a", score: 1, because: [] }], posts, {
    perAccount: 2,
    exclude: ["a-2"],
  });
  assert.deepEqual(out.map((c) => c.post.postId), ["a-1", "a-0"]);
});

Deno.test("`candidatePosts()` ignores repeated accounts and accounts without posts", () => {
  const accounts = [
    ACCOUNTS[0]!,
    { account: "nobody", score: 0.8, because: [] },
    ACCOUNTS[0]!,
  ];
  const out = candidatePosts(accounts, NOTEBOOK_POSTS);
  assert.deepEqual(out.map((c) => c.post.postId), ["p101"]);
  assert.deepEqual(candidatePosts([], NOTEBOOK_POSTS), []);
  assert.deepEqual(
    candidatePosts(ACCOUNTS, NOTEBOOK_POSTS, { perAccount: 0 }),
    [],
  );
});

Deno.test("`candidatePosts()` rejects bad options", () => {
  assert.throws(
    () => candidatePosts(ACCOUNTS, NOTEBOOK_POSTS, { perAccount: 1.5 }),
    (e) => e instanceof RangeError && /got 1.5/.test(e.message),
  );
  assert.throws(
    () =>
      candidatePosts(ACCOUNTS, NOTEBOOK_POSTS, { order: "random" as "best" }),
    (e) => e instanceof RangeError && /unknown order "random"/.test(e.message),
  );
});
