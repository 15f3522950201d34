/**
 * Option validation: every training option out of range, unknown names, and
 * a vocabulary too small for the negatives, all failing with a clear
 * RangeError before any work starts; `k` of similarity and recommendation
 * queries.
 */

import assert from "node:assert/strict";
import {
  resolveTrainOptions,
  type TrainOptions,
} from "../src/train_options.ts";
import { train, trainSync } from "../src/train.ts";
import { Model } from "../src/model.ts";
import { Vocabulary } from "../src/vocab.ts";
import { recommendAccounts } from "../src/recommend.ts";

/** Sessions that count how often they were iterated. */
function watchedSessions(): {
  sessions: Iterable<string[]>;
  reads: () => number;
} {
  let reads = 0;
  const data = [["a", "b", "c"], ["b", "c", "d"], ["c", "d", "e"]];
  return {
    sessions: {
      *[Symbol.iterator]() {
        reads++;
        yield* data;
      },
    },
    reads: () => reads,
  };
}

/** Asserts a "Cannot train: <name> …, got <value>" RangeError. */
function assertRejected(
  options: TrainOptions,
  name: string,
  shown: string,
): void {
  const label = JSON.stringify(
    options,
    (_k, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
  );
  assert.throws(
    () => resolveTrainOptions(options),
    (e: unknown) => {
      assert.ok(e instanceof RangeError, `${label}: ${e}`);
      assert.ok(
        e.message.startsWith(`Cannot train: `),
        `${label}: ${e.message}`,
      );
      assert.ok(
        e.message.includes(name),
        `${label}: ${e.message} names ${name}`,
      );
      assert.ok(
        e.message.endsWith(shown),
        `${label}: ${e.message} ends with ${shown}`,
      );
      return true;
    },
  );
}

const OUT_OF_RANGE: [keyof TrainOptions, unknown[]][] = [
  ["dim", [0, -1, 1.5, 4097, NaN, Infinity]],
  ["window", [0, -3, 2.5, NaN, 10_001]],
  ["negatives", [-1, 0.5, 1001, NaN]],
  ["epochs", [0, -1, 1.5, NaN, Infinity]],
  ["lr", [0, -0.01, NaN, Infinity, 10.5]],
  ["sample", [-1e-3, 1.5, NaN, Infinity]],
  ["minCount", [0, -1, 1.5]],
  ["maxVocab", [0, 2.5]],
  ["threads", [0, 257, 1.5]],
  ["batchPairs", [0, (1 << 20) + 1]],
  ["nsExponent", [NaN, 11, -11]],
  ["hardFraction", [-0.1, 1.1, NaN]],
  ["seed", [NaN, 0.5]],
];

Deno.test("resolveTrainOptions() rejects every out-of-range number with its name and value", () => {
  for (const [name, values] of OUT_OF_RANGE) {
    for (const value of values) {
      assertRejected({ [name]: value } as TrainOptions, name, `got ${value}`);
    }
  }
});

Deno.test("resolveTrainOptions() accepts the edges of every range", () => {
  const edges: TrainOptions[] = [
    { dim: 1 },
    { dim: 4096 },
    { window: 1 },
    { negatives: 0 },
    { negatives: 1000 },
    { epochs: 1 },
    { lr: 10 },
    { lr: 1e-9 },
    { sample: 0 },
    { sample: 1 },
    { hardFraction: 0 },
    { hardFraction: 1 },
    { threads: 256 },
    { batchPairs: 1 },
  ];
  for (const options of edges) {
    const resolved = resolveTrainOptions(options);
    for (const [key, value] of Object.entries(options)) {
      assert.equal(resolved[key as keyof TrainOptions], value, key);
    }
  }
});

Deno.test("resolveTrainOptions() rejects unknown sampler, optimizer and window mode names, listing the valid ones", () => {
  const cases: [TrainOptions, RegExp][] = [
    [
      { sampler: "zipf" as "unigram" },
      /unknown sampler "zipf", expected one of uniform, unigram, hard, mixed$/,
    ],
    [
      { optimizer: "rmsprop" as "sgd" },
      /unknown optimizer "rmsprop", expected one of sgd, adam$/,
    ],
    [
      { windowMode: "sliding" as "fixed" },
      /unknown windowMode "sliding", expected one of fixed, shrinking, session$/,
    ],
    [{ sampler: "Unigram" as "unigram" }, /unknown sampler "Unigram"/],
    [{ optimizer: "" as "sgd" }, /unknown optimizer ""/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => resolveTrainOptions(options),
      (e: unknown) => e instanceof RangeError && message.test(e.message),
    );
  }
});

Deno.test("trainSync() and train() reject a bad option before reading any session", async () => {
  for (
    const options of [
      { dim: 0 },
      { window: -1 },
      { negatives: -2 },
      { epochs: 0 },
      { lr: -1 },
      { sample: 2 },
      { sampler: "nope" as "unigram" },
      { optimizer: "nope" as "sgd" },
      { windowMode: "nope" as "fixed" },
    ]
  ) {
    const sync = watchedSessions();
    assert.throws(() => trainSync(sync.sessions, options), RangeError);
    assert.equal(
      sync.reads(),
      0,
      `trainSync ${JSON.stringify(options)} read sessions`,
    );
    const async = watchedSessions();
    await assert.rejects(() => train(async.sessions, options), RangeError);
    assert.equal(
      async.reads(),
      0,
      `train ${JSON.stringify(options)} read sessions`,
    );
  }
});

Deno.test("trainSync() refuses an empty vocabulary and a one-account vocabulary with negatives, before training", () => {
  let progress = 0;
  const onProgress = () => progress++;
  assert.throws(
    () => trainSync([["a", "b"]], { minCount: 2, dim: 4, onProgress }),
    /^RangeError: Cannot train: the vocabulary is empty/,
  );
  assert.throws(
    () => trainSync([["a", "a", "a"]], { dim: 4, negatives: 5, onProgress }),
    /^RangeError: Cannot train: a vocabulary of 1 account cannot supply negatives/,
  );
  assert.equal(progress, 0);
  // Without negatives, one account is legal (nothing to learn, no error).
  const model = trainSync([["a", "a"]], { dim: 4, negatives: 0, epochs: 1 });
  assert.equal(model.vocab.size, 1);
});

Deno.test("trainSync() refuses a vocabulary smaller than the number of negatives, before training", () => {
  // Three accounts cannot supply five distinct negatives per pair.
  let progress = 0;
  assert.throws(
    () =>
      trainSync([["a", "b"], ["b", "c"]], {
        dim: 4,
        negatives: 5,
        epochs: 1,
        onProgress: () => progress++,
      }),
    (e: unknown) =>
      e instanceof RangeError && e.message.startsWith("Cannot train: ") &&
      /negatives/.test(e.message) && /\b3\b/.test(e.message) &&
      /\b5\b/.test(e.message),
  );
  assert.equal(progress, 0);
});

Deno.test("the uniform sampler is refused one account with negatives, as the others are", () => {
  // The only account would be drawn as its own negative.
  assert.throws(
    () =>
      trainSync([["a", "a", "a"]], {
        dim: 4,
        negatives: 5,
        sampler: "uniform",
        epochs: 1,
      }),
    /^RangeError: Cannot train: a vocabulary of 1 account cannot supply negatives/,
  );
});

Deno.test("trainSync() accepts a vocabulary exactly as large as negatives + 1", () => {
  const model = trainSync([["a", "b", "c"], ["c", "d", "e", "f"]], {
    dim: 4,
    negatives: 5,
    epochs: 1,
    seed: 3,
  });
  assert.equal(model.vocab.size, 6);
  assert.ok(model.input.every(Number.isFinite));
});

function smallModel(): Model {
  return new Model({
    vocab: new Vocabulary(["a", "b", "c"], [3, 2, 1]),
    dim: 2,
    input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1),
  });
}

Deno.test("Model.similar() rejects a k that is negative, fractional or NaN, and caps k at the vocabulary", () => {
  const model = smallModel();
  for (const k of [-1, 1.5, NaN, Infinity]) {
    assert.throws(
      () => model.similar("a", k),
      (e: unknown) =>
        e instanceof RangeError &&
        e.message ===
          `Cannot search: k must be a non-negative integer, got ${k}`,
    );
  }
  assert.deepEqual(model.similar("a", 0), []);
  assert.deepEqual(model.similar("a", 100).map((n) => n.account), ["b", "c"]);
});

Deno.test("recommendAccounts() rejects a k that is negative or fractional", () => {
  const model = smallModel();
  for (const k of [-1, 2.5, NaN]) {
    assert.throws(
      () => recommendAccounts(model, ["a"], { k }),
      (e: unknown) =>
        e instanceof RangeError &&
        e.message.includes(`k must be an integer >= 0, got ${k}`),
    );
  }
  assert.deepEqual(recommendAccounts(model, ["a"], { k: 0 }), []);
});
