import assert from "node:assert/strict";
import {
  AliasTable,
  createSampler,
  type NegativeSampler,
  unigramWeights,
} from "../src/samplers.ts";
import { Prng } from "../src/prng.ts";

/**
 * Upper critical value of chi-square with `df` degrees of freedom at about
 * p = 1e-4 (Wilson–Hilferty), so a correct sampler fails once in 10^4 seeds.
 */
function chiSquareBound(df: number): number {
  const z = 3.72;
  const a = 2 / (9 * df);
  return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
}

/** Pearson's statistic of `observed` against probabilities `expected`. */
function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>) {
  let total = 0;
  for (let i = 0; i < observed.length; i++) total += observed[i]!;
  let stat = 0;
  let df = -1;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]! * total;
    if (e === 0) {
      assert.equal(observed[i], 0, `outcome ${i} has probability 0`);
      continue;
    }
    stat += (observed[i]! - e) ** 2 / e;
    df++;
  }
  return { stat, df };
}

function assertFits(observed: ArrayLike<number>, weights: ArrayLike<number>) {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i]!;
  const probs = Array.from(weights, (w) => w / sum);
  const { stat, df } = chiSquare(observed, probs);
  assert.ok(
    stat < chiSquareBound(df),
    `chi-square ${stat.toFixed(1)} above ${
      chiSquareBound(df).toFixed(1)
    } (df ${df})`,
  );
}

function histogram(
  sampler: NegativeSampler,
  size: number,
  draws: number,
  center = 0,
): Float64Array {
  const out = new Int32Array(draws);
  for (let k = 0; k < draws; k += 5) sampler.drawInto(out, k, 5, center, -1);
  const hist = new Float64Array(size);
  for (const x of out) hist[x]!++;
  return hist;
}

function zipfCounts(size: number): Float64Array {
  return Float64Array.from(
    { length: size },
    (_, i) => Math.ceil(1000 / (i + 1)),
  );
}

Deno.test("`AliasTable.fromWeights()` draws follow arbitrary weights", () => {
  const prng = new Prng(11);
  const weights = Array.from(
    { length: 40 },
    (_, i) => i % 7 === 3 ? 0 : prng.random() ** 3 * 10,
  );
  const table = AliasTable.fromWeights(weights);
  const hist = new Float64Array(weights.length);
  for (let k = 0; k < 200_000; k++) hist[table.sample(prng)]!++;
  assertFits(hist, weights);
});

Deno.test("`AliasTable.fromWeights()` marks equal weights as uniform", () => {
  assert.equal(AliasTable.fromWeights([2, 2, 2]).isUniform, true);
  assert.equal(AliasTable.fromWeights([2, 1, 2]).isUniform, false);
  assert.equal(AliasTable.fromWeights([2, 0]).isUniform, false);
});

Deno.test("`AliasTable.fromWeights()` rejects empty, zero, negative and NaN weights", () => {
  for (const bad of [[], [0, 0], [1, -1], [1, NaN], [Infinity]]) {
    assert.throws(() => AliasTable.fromWeights(bad), RangeError);
  }
  assert.throws(
    () => AliasTable.fromWeights([1, -2]),
    { message: "Cannot build alias table: weight 1 is -2" },
  );
});

Deno.test("`unigramWeights()` raises counts to the power, zero counts to 0", () => {
  const weights = unigramWeights([8, 1, 0, 27], 1 / 3);
  assert.ok(Math.abs(weights[0]! - 2) < 1e-12);
  assert.equal(weights[1], 1);
  assert.equal(weights[2], 0);
  assert.ok(Math.abs(weights[3]! - 3) < 1e-12);
  assert.deepEqual([...unigramWeights([5, 0, 2], 0)], [1, 0, 1]);
  assert.deepEqual([...unigramWeights([4, 0], -0.5)], [0.5, 0]);
  assert.ok(Math.abs(unigramWeights([16])[0]! - 8) < 1e-12);
  assert.throws(() => unigramWeights([-1]), RangeError);
});

Deno.test("`createSampler()` uniform draws follow a uniform distribution", () => {
  const counts = zipfCounts(50);
  const sampler = createSampler("uniform", counts, { prng: new Prng(3) });
  assert.notEqual(sampler.table, null);
  assertFits(histogram(sampler, 50, 100_000), new Float64Array(50).fill(1));
});

for (const exponent of [0.75, 0, -0.5]) {
  Deno.test(`\`createSampler()\` unigram draws follow count^${exponent}`, () => {
    const counts = zipfCounts(60);
    counts[17] = 0;
    const sampler = createSampler("unigram", counts, {
      exponent,
      prng: new Prng(5),
    });
    const target = Array.from(counts, (c) => c > 0 ? Math.pow(c, exponent) : 0);
    assertFits(histogram(sampler, 60, 200_000), target);
  });
}

Deno.test("`createSampler()` hard negatives avoid session members and the center", () => {
  const size = 100;
  const counts = zipfCounts(size);
  const prng = new Prng(9);
  const sampler = createSampler("hard", counts, { prng });
  const ids = new Int32Array(40);
  const out = new Int32Array(5);
  for (let s = 0; s < 2000; s++) {
    const length = 1 + prng.int(40);
    // Sessions lean towards frequent accounts, so rejection is exercised.
    for (let p = 0; p < length; p++) ids[p] = prng.int(1 + prng.int(size));
    sampler.beginSession(ids, 0, length);
    const members = new Set(ids.subarray(0, length));
    const center = ids[prng.int(length)]!;
    for (let r = 0; r < 5; r++) {
      sampler.drawInto(out, 0, 5, center, ids[0]!);
      for (const x of out) {
        assert.ok(x >= 0 && x < size);
        assert.ok(!members.has(x), `session member ${x} drawn`);
      }
    }
  }
});

Deno.test("`createSampler()` hard negatives follow count^α over allowed accounts", () => {
  const size = 30;
  const counts = zipfCounts(size);
  const sampler = createSampler("hard", counts, {
    exponent: 0.75,
    prng: new Prng(21),
  });
  const session = new Int32Array([0, 4, 5, 9, 0, 20]);
  sampler.beginSession(session, 0, session.length);
  const members = new Set(session);
  const target = Array.from(
    counts,
    (c, id) => members.has(id) ? 0 : Math.pow(c, 0.75),
  );
  assertFits(histogram(sampler, size, 100_000, 4), target);
});

Deno.test("`createSampler()` hard negatives stay exact when the session holds most of the weight", () => {
  // Account 0 holds ~99.9% of the weight: rejection fails, the exact list is used.
  const counts = new Float64Array([1e7, 3, 2, 1, 5, 4, 6, 7]);
  const sampler = createSampler("hard", counts, {
    exponent: 1,
    prng: new Prng(4),
  });
  const session = new Int32Array([0, 4]);
  sampler.beginSession(session, 0, 2);
  assertFits(histogram(sampler, 8, 20_000, 0), [0, 3, 2, 1, 0, 4, 6, 7]);
});

Deno.test("`createSampler()` hard negatives fall back to non-center accounts when too few remain", () => {
  const size = 12;
  const counts = zipfCounts(size);
  const sampler = createSampler("hard", counts, { prng: new Prng(8) });
  // Only accounts 10 and 11 are outside the session; 5 negatives are needed.
  const session = Int32Array.from({ length: 10 }, (_, i) => i);
  sampler.beginSession(session, 0, 10);
  const out = new Int32Array(5000);
  for (let k = 0; k < out.length; k += 5) sampler.drawInto(out, k, 5, 3, 2);
  const seen = new Set(out);
  assert.ok(!seen.has(3), "center drawn");
  assert.ok(seen.has(0) && seen.has(10), "fallback covers members and others");
  const single = createSampler("hard", new Float64Array([5]), {
    prng: new Prng(1),
  });
  single.beginSession(new Int32Array([0]), 0, 1);
  const none = new Int32Array(3);
  single.drawInto(none, 0, 3, 0, 0);
  assert.deepEqual([...none], [-1, -1, -1]);
});

Deno.test("`createSampler()` mixed draws follow the hard/unigram mixture", () => {
  const size = 20;
  const counts = zipfCounts(size);
  const fraction = 0.3;
  const sampler = createSampler("mixed", counts, {
    hardFraction: fraction,
    prng: new Prng(13),
  });
  const session = new Int32Array([1, 2, 3]);
  sampler.beginSession(session, 0, 3);
  const unigram = Array.from(counts, (c) => Math.pow(c, 0.75));
  const uniSum = unigram.reduce((a, b) => a + b, 0);
  const hard = unigram.map((w, id) => id >= 1 && id <= 3 ? 0 : w);
  const hardSum = hard.reduce((a, b) => a + b, 0);
  const target = unigram.map((w, id) =>
    (1 - fraction) * w / uniSum + fraction * hard[id]! / hardSum
  );
  assertFits(histogram(sampler, size, 100_000, 2), target);
});

Deno.test("`createSampler()` with one seed gives one sequence", () => {
  const counts = zipfCounts(40);
  for (const name of ["uniform", "unigram", "hard", "mixed"] as const) {
    const a = createSampler(name, counts, { prng: new Prng(77) });
    const b = createSampler(name, counts, { prng: new Prng(77) });
    const c = createSampler(name, counts, { prng: new Prng(78) });
    const ids = new Int32Array([0, 1, 2]);
    for (const s of [a, b, c]) s.beginSession(ids, 0, 3);
    const [x, y, z] = [a, b, c].map((s) => histogram(s, 40, 500, 1));
    assert.deepEqual(x, y, name);
    assert.notDeepEqual(x, z, name);
  }
});

Deno.test("`createSampler()` rejects unknown names and bad options", () => {
  const counts = zipfCounts(5);
  assert.throws(
    () => createSampler("zipf" as "uniform", counts, { prng: new Prng(1) }),
    {
      name: "RangeError",
      message:
        'Cannot create sampler: unknown name "zipf", expected one of uniform, unigram, hard, mixed',
    },
  );
  assert.throws(
    () =>
      createSampler("mixed", counts, { hardFraction: 2, prng: new Prng(1) }),
    RangeError,
  );
  assert.throws(
    () => createSampler("unigram", new Float64Array(3), { prng: new Prng(1) }),
    RangeError,
  );
});
