import assert from "node:assert/strict";
import { categoryAgreement, evaluate } from "../src/evaluate.ts";
import { Model } from "../src/model.ts";
import { Prng } from "../src/prng.ts";
import { Vocabulary } from "../src/vocab.ts";

/** A 2-d model whose account `words[i]` sits at `degrees[i]` on the unit circle. */
function circleModel(words: string[], degrees: number[]): Model {
  const input = new Float32Array(words.length * 2);
  degrees.forEach((d, i) => {
    input[2 * i] = Math.cos((d * Math.PI) / 180);
    input[2 * i + 1] = Math.sin((d * Math.PI) / 180);
  });
  const counts = words.map((_, i) => words.length - i);
  return new Model({ vocab: new Vocabulary(words, counts), dim: 2, input });
}

// q at 0°, r1..r5 at 10°..50° (so r_i has rank i from q), far at 180°.
const RANKED = circleModel(
  ["q", "r1", "r2", "r3", "r4", "r5", "far"],
  [0, 10, 20, 30, 40, 50, 180],
);

function close(actual: number, expected: number): void {
  assert.ok(
    Math.abs(actual - expected) < 1e-12,
    `expected ${expected}, got ${actual}`,
  );
}

Deno.test("`evaluate()` computes HitRate, MRR and NDCG from the target's rank", () => {
  const report = evaluate(RANKED, [["q", "r1"], ["q", "r3"], ["q", "r5"]], {
    k: [5, 1, 3],
  });
  assert.equal(report.sessions, 3);
  assert.deepEqual(report.metrics.map((m) => m.k), [1, 3, 5]);
  const [at1, at3, at5] = report.metrics;
  close(at1!.hitRate, 1 / 3);
  close(at3!.hitRate, 2 / 3);
  close(at5!.hitRate, 1);
  close(at1!.mrr, 1 / 3);
  close(at3!.mrr, (1 + 1 / 3) / 3);
  close(at5!.mrr, (1 + 1 / 3 + 1 / 5) / 3);
  close(at3!.ndcg, (1 + 1 / 2) / 3);
  close(at5!.ndcg, (1 + 1 / 2 + 1 / Math.log2(6)) / 3);
});

Deno.test("`evaluate()` queries with the second-to-last item only", () => {
  // From r5 (50°), r4 is nearest; from q (0°) it would be rank 4.
  const report = evaluate(RANKED, [["far", "q", "r5", "r4"]], { k: [1, 3] });
  close(report.metrics[0]!.hitRate, 1);
  // From r5, q is rank 5 (after r4, r3, r2, r1).
  const back = evaluate(RANKED, [["r1", "r5", "q"]], { k: [4, 5] });
  close(back.metrics[0]!.hitRate, 0);
  close(back.metrics[1]!.mrr, 1 / 5);
});

Deno.test("`evaluate()` counts unknown targets, unknown queries and skipped sessions as described", () => {
  const report = evaluate(RANKED, [
    ["q", "zzz"], // unknown target
    ["zzz", "r1"], // unknown query
    ["yyy", "xxx"], // both unknown
    ["q"], // too short
    [], // too short
    ["q", "r1"], // hit at rank 1
  ], { k: [1] });
  assert.equal(report.sessions, 4);
  assert.equal(report.skipped, 2);
  assert.equal(report.unknownTargets, 2);
  assert.equal(report.unknownQueries, 2);
  close(report.metrics[0]!.hitRate, 1 / 4);
});

Deno.test("`evaluate()` never recommends the query item, so a repeated target is a miss", () => {
  const report = evaluate(RANKED, [["q", "q"], ["r1", "r1"], ["q", "r1"]], {
    k: [6],
  });
  assert.equal(report.repeatedTargets, 2);
  close(report.metrics[0]!.hitRate, 1 / 3);
});

Deno.test("`evaluate()` with a mean query averages the last items and excludes them all", () => {
  // a at 0°, b at 90°: the mean points at 45°, where m sits; nb is nearest to b.
  const model = circleModel(["a", "b", "m", "nb"], [0, 90, 45, 85]);
  const last = evaluate(model, [["a", "b", "m"]], { k: [1] });
  close(last.metrics[0]!.hitRate, 0);
  const mean = evaluate(model, [["a", "b", "m"]], {
    k: [1],
    query: { mean: 2 },
  });
  close(mean.metrics[0]!.hitRate, 1);
  // With three items before the target, only the last two are used.
  const window = evaluate(model, [["nb", "a", "b", "m"]], {
    k: [1],
    query: { mean: 2 },
  });
  close(window.metrics[0]!.hitRate, 1);
  // Unknown items inside the window are left out of the mean.
  const unknown = evaluate(model, [["a", "zzz", "nb"]], {
    k: [1],
    query: { mean: 2 },
  });
  close(unknown.metrics[0]!.hitRate, 0);
  assert.equal(unknown.unknownQueries, 0);
  const excluded = evaluate(model, [["a", "b", "a"]], {
    k: [3],
    query: { mean: 2 },
  });
  assert.equal(excluded.repeatedTargets, 1);
});

Deno.test("`evaluate()` accepts Session records", () => {
  const report = evaluate(RANKED, [{ accounts: ["q", "r2"], user: "u" }], {
    k: [2],
  });
  close(report.metrics[0]!.hitRate, 1);
  close(report.metrics[0]!.mrr, 1 / 2);
});

/** Reference: rank by brute force over all accounts, without batching. */
function referenceHits(model: Model, sessions: string[][], k: number): number {
  const dim = model.dim;
  const norm = model.normalized();
  let hits = 0;
  for (const s of sessions) {
    const q = model.vocab.index(s[s.length - 2]!)!;
    const t = model.vocab.index(s[s.length - 1]!)!;
    if (q === t) continue;
    const score = (i: number): number => {
      let d = 0;
      for (let j = 0; j < dim; j++) {
        d += norm[q * dim + j]! * norm[i * dim + j]!;
      }
      return d;
    };
    const st = score(t);
    let better = 0;
    for (let i = 0; i < model.size; i++) {
      if (i === q || i === t) continue;
      const si = score(i);
      if (si > st || (si === st && i < t)) better++;
    }
    if (better < k) hits++;
  }
  return hits / sessions.length;
}

Deno.test("`evaluate()` agrees with a brute-force ranking for any batch size", () => {
  const prng = new Prng(7);
  const size = 50;
  const dim = 8;
  const words = Array.from({ length: size }, (_, i) => `w${i}`);
  const input = new Float32Array(size * dim);
  for (let i = 0; i < input.length; i++) input[i] = prng.random() - 0.5;
  const model = new Model({
    vocab: new Vocabulary(words, words.map(() => 1)),
    dim,
    input,
  });
  const sessions = Array.from(
    { length: 40 },
    () => [words[prng.int(size)]!, words[prng.int(size)]!],
  );
  const expected = referenceHits(model, sessions, 10);
  for (const batch of [1, 3, 256]) {
    const report = evaluate(model, sessions, { k: [10], batch });
    close(report.metrics[0]!.hitRate, expected);
  }
  assert.ok(expected > 0 && expected < 1);
});

Deno.test("`evaluate()` rejects bad cut-offs, query and batch size", () => {
  assert.throws(() => evaluate(RANKED, [], { k: [0] }), RangeError);
  assert.throws(() => evaluate(RANKED, [], { k: [] }), RangeError);
  assert.throws(() => evaluate(RANKED, [], { k: [2.5] }), RangeError);
  assert.throws(
    () => evaluate(RANKED, [], { query: { mean: 0 } }),
    /Cannot evaluate: query mean must be a positive integer, got 0/,
  );
  assert.throws(
    () => evaluate(RANKED, [], { query: "first" as "last" }),
    TypeError,
  );
  assert.throws(() => evaluate(RANKED, [], { batch: 0 }), RangeError);
});

Deno.test("`evaluate()` on no sessions reports zeros", () => {
  const report = evaluate(RANKED, []);
  assert.equal(report.sessions, 0);
  assert.deepEqual(report.metrics.map((m) => m.hitRate), [0, 0]);
});

Deno.test("`categoryAgreement()` compares neighbours with the most popular accounts", () => {
  // Cluster x: a, b, e; cluster y: c, d. Frequency order a, c, b, d, e.
  const model = circleModel(["a", "c", "b", "d", "e"], [0, 90, 5, 85, 10]);
  const genres = new Map([
    ["a", ["x"]],
    ["b", ["x", "z"]],
    ["c", ["y"]],
    ["d", ["y", "z"]],
    ["e", []], // no category: not a query, never shares
  ]);
  const result = categoryAgreement(model, genres, { k: 2 });
  assert.equal(result.evaluated, 4);
  // Two nearest: a → b, e; c → d, e; b → a, e; d → c, e. One of two shares each time.
  close(result.agreement, 0.5);
  // Popular: a, c, b. a → c, b: 1/2; c → a, b: 0; b → a, c: 1/2; d → a, c: 1/2.
  close(result.popularityBaseline, 1.5 / 4);
});

Deno.test("`categoryAgreement()` samples queries with a seed", () => {
  const model = circleModel(["a", "c", "b", "d"], [0, 90, 5, 85]);
  const genres = new Map([["a", ["x"]], ["b", ["x"]], ["c", ["y"]], [
    "d",
    ["y"],
  ]]);
  const sampled = categoryAgreement(model, genres, {
    k: 1,
    sample: 2,
    seed: 3,
  });
  assert.equal(sampled.evaluated, 2);
  close(sampled.agreement, 1);
  assert.throws(() => categoryAgreement(model, genres, { k: 0 }), RangeError);
  assert.throws(
    () => categoryAgreement(model, genres, { sample: -1 }),
    RangeError,
  );
});

Deno.test("`evaluate()` reports progress after each scan and at the end", () => {
  // 7 sessions of which 1 is skipped; batch 2 → scans after reading 2, 4, 6 cases.
  const sessions = [
    ["q", "r1"],
    ["q"],
    ["q", "r2"],
    ["q", "r3"],
    ["q", "r4"],
    ["q", "r5"],
    ["q", "far"],
  ];
  const heard: number[] = [];
  const report = evaluate(RANKED, sessions, {
    k: [3],
    batch: 2,
    onProgress: (read) => heard.push(read),
  });
  assert.deepEqual(heard, [3, 5, 7, 7]);
  assert.equal(report.sessions, 6);
  assert.equal(report.skipped, 1);
  assert.deepEqual(
    report.metrics,
    evaluate(RANKED, sessions, { k: [3], batch: 2 }).metrics,
  );
});
