import assert from "node:assert/strict";
import { recommendAccounts } from "../src/recommend.ts";
import { Model } from "../src/model.ts";
import { Prng } from "../src/prng.ts";
import { Vocabulary } from "../src/vocab.ts";

const DIM = 16;

function gaussian(prng: Prng): number {
  const u = 1 - prng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * prng.random());
}

/** Accounts `t<topic>_<i>` planted around orthogonal topic centres (3 · e_topic). */
function plantedModel(topics: number, perTopic: number, seed = 7): Model {
  const prng = new Prng(seed);
  const centres = Array.from(
    { length: topics },
    (_, t) => Array.from({ length: DIM }, (_, j) => j === t ? 3 : 0),
  );
  const words: string[] = [];
  const input = new Float32Array(topics * perTopic * DIM);
  for (let t = 0; t < topics; t++) {
    for (let i = 0; i < perTopic; i++) {
      const row = words.length;
      words.push(`t${t}_${i}`);
      for (let j = 0; j < DIM; j++) {
        input[row * DIM + j] = centres[t]![j]! + 0.4 * gaussian(prng);
      }
    }
  }
  return new Model({
    vocab: new Vocabulary(words, words.map(() => 1)),
    dim: DIM,
    input,
  });
}

function topicOf(account: string): string {
  return account.split("_")[0]!;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
  }
  return dot / Math.sqrt(na * nb);
}

const model = plantedModel(4, 12);

Deno.test("`recommendAccounts()` with mean ranks by cosine to the mean seed direction", () => {
  const seeds = ["t0_0", "t0_1", "t0_2"];
  const recs = recommendAccounts(model, seeds, { strategy: "mean", k: 5 });
  // Brute force: cosine of every non-seed account to the mean unit seed vector.
  const mean = new Float64Array(DIM);
  for (const s of seeds) {
    const v = model.vector(s)!;
    const n = Math.hypot(...v);
    for (let j = 0; j < DIM; j++) mean[j]! += v[j]! / n;
  }
  const expected = model.vocab.words
    .filter((w) => !seeds.includes(w))
    .map((w) => ({ w, s: cosine(model.vector(w)!, mean) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, 5);
  assert.deepEqual(recs.map((r) => r.account), expected.map((e) => e.w));
  for (const [i, r] of recs.entries()) {
    assert.ok(Math.abs(r.score - expected[i]!.s) < 1e-5);
    assert.ok(r.because.length >= 1 && r.because.length <= 2);
    assert.ok(r.because.every((b) => seeds.includes(b)));
    // The first reason is the seed closest to the account.
    const closest = seeds
      .map((s) => ({
        s,
        c: cosine(model.vector(s)!, model.vector(r.account)!),
      }))
      .sort((a, b) => b.c - a.c)[0]!.s;
    assert.equal(r.because[0], closest);
  }
  assert.ok(recs.every((r) => topicOf(r.account) === "t0"));
});

Deno.test("`recommendAccounts()` with per-seed interleaves the seeds round-robin", () => {
  const seeds = ["t1_0", "t2_0"];
  const recs = recommendAccounts(model, seeds, { k: 6 });
  assert.equal(recs.length, 6);
  // Round-robin: the first pick comes from the first seed, the second from the second.
  assert.deepEqual(recs.map((r) => topicOf(r.account)), [
    "t1",
    "t2",
    "t1",
    "t2",
    "t1",
    "t2",
  ]);
  for (const r of recs) {
    assert.ok(!seeds.includes(r.account));
    const from = r.because[0]!;
    assert.equal(topicOf(from), topicOf(r.account));
    const sim = cosine(model.vector(from)!, model.vector(r.account)!);
    assert.ok(Math.abs(r.score - sim) < 1e-5);
  }
  // The first neighbour of the first seed is its nearest account.
  assert.equal(recs[0]!.account, model.similar("t1_0", 1)[0]!.account);
});

Deno.test("`recommendAccounts()` with per-seed merges duplicates and names every seed", () => {
  const seeds = ["t3_0", "t3_1"];
  const recs = recommendAccounts(model, seeds, { k: 20, perSeed: 10 });
  const accounts = recs.map((r) => r.account);
  assert.equal(new Set(accounts).size, accounts.length);
  const n0 = new Set(model.similar("t3_0", 11).map((n) => n.account));
  const n1 = new Set(model.similar("t3_1", 11).map((n) => n.account));
  const shared = recs.filter((r) => r.because.length === 2);
  assert.ok(shared.length > 0);
  for (const r of shared) assert.ok(n0.has(r.account) && n1.has(r.account));
});

Deno.test("`recommendAccounts()` with clusters finds one group per interest", () => {
  const seeds = ["t0_0", "t2_1", "t0_3", "t2_4", "t0_5", "t2_6"];
  const recs = recommendAccounts(model, seeds, {
    strategy: "clusters",
    k: 10,
  });
  const topics = new Set(recs.map((r) => topicOf(r.account)));
  assert.deepEqual([...topics].sort(), ["t0", "t2"]);
  for (const r of recs) {
    // The reasons are the seeds of the group that found the account: one topic.
    assert.deepEqual(
      new Set(r.because.map(topicOf)),
      new Set([topicOf(r.account)]),
    );
    assert.equal(r.because.length, 3);
  }
  const scores = recs.map((r) => r.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
});

Deno.test("`recommendAccounts()` with clusters shares slots by group size", () => {
  // Four seeds of one interest and a stray seed of another: 10 slots split 8 : 2.
  const seeds = ["t0_0", "t0_1", "t0_2", "t0_3", "t3_0"];
  const recs = recommendAccounts(model, seeds, {
    strategy: "clusters",
    k: 10,
  });
  assert.equal(recs.length, 10);
  assert.equal(recs.filter((r) => topicOf(r.account) === "t0").length, 8);
  assert.equal(recs.filter((r) => topicOf(r.account) === "t3").length, 2);
});

Deno.test("`recommendAccounts()` with clusters keeps one interest in one group", () => {
  const seeds = ["t1_0", "t1_1", "t1_2", "t1_3"];
  const recs = recommendAccounts(model, seeds, { strategy: "clusters", k: 5 });
  assert.equal(recs.length, 5);
  for (const r of recs) {
    assert.equal(topicOf(r.account), "t1");
    assert.deepEqual([...r.because].sort(), [...seeds].sort());
  }
  // Forcing two groups on the same seeds splits the reasons.
  const split = recommendAccounts(model, seeds, {
    strategy: "clusters",
    clusters: 2,
    k: 5,
  });
  assert.ok(split.every((r) => r.because.length < seeds.length));
});

Deno.test("`recommendAccounts()` honours exclusions and excludeSeeds", () => {
  for (const strategy of ["mean", "per-seed", "clusters"] as const) {
    const exclude = model.similar("t0_0", 3).map((n) => n.account);
    const recs = recommendAccounts(model, ["t0_0"], {
      strategy,
      k: 10,
      exclude,
    });
    assert.equal(recs.length, 10);
    for (const r of recs) {
      assert.ok(!exclude.includes(r.account), strategy);
      assert.notEqual(r.account, "t0_0");
    }
  }
  const withSeed = recommendAccounts(model, ["t0_0"], {
    strategy: "mean",
    excludeSeeds: false,
    k: 1,
  });
  assert.equal(withSeed[0]!.account, "t0_0");
  assert.ok(Math.abs(withSeed[0]!.score - 1) < 1e-5);
});

Deno.test("`recommendAccounts()` skips unknown seeds and reports them", () => {
  const unknown: string[] = [];
  const recs = recommendAccounts(model, ["nobody", "t2_2"], { unknown, k: 3 });
  assert.deepEqual(unknown, ["nobody"]);
  assert.ok(recs.every((r) => r.because.every((b) => b === "t2_2")));
  const none: string[] = [];
  assert.deepEqual(recommendAccounts(model, ["x", "y"], { unknown: none }), []);
  assert.deepEqual(none, ["x", "y"]);
  assert.deepEqual(recommendAccounts(model, []), []);
  assert.deepEqual(recommendAccounts(model, ["t0_0"], { k: 0 }), []);
});

Deno.test("`recommendAccounts()` returns every other account when k exceeds the vocabulary", () => {
  for (const strategy of ["mean", "per-seed", "clusters"] as const) {
    const recs = recommendAccounts(model, ["t0_0", "t1_0"], {
      strategy,
      k: 1000,
    });
    assert.equal(recs.length, model.size - 2, strategy);
  }
});

Deno.test("`recommendAccounts()` is reproducible for a given seed", () => {
  const seeds = ["t0_1", "t1_1", "t2_1", "t3_1", "t0_2", "t1_2"];
  const a = recommendAccounts(model, seeds, { strategy: "clusters", seed: 5 });
  const b = recommendAccounts(model, seeds, { strategy: "clusters", seed: 5 });
  assert.deepEqual(a, b);
});

Deno.test("`recommendAccounts()` rejects bad options", () => {
  assert.throws(
    () => recommendAccounts(model, ["t0_0"], { k: -1 }),
    (e) => e instanceof RangeError && /k must .* got -1/.test(e.message),
  );
  assert.throws(
    () => recommendAccounts(model, ["t0_0"], { strategy: "best" as "mean" }),
    (e) => e instanceof RangeError && /unknown strategy "best"/.test(e.message),
  );
  assert.throws(
    () => recommendAccounts(model, ["t0_0"], { clusters: 0 }),
    RangeError,
  );
  assert.throws(
    () => recommendAccounts(model, "t0_0" as unknown as string[]),
    TypeError,
  );
});
