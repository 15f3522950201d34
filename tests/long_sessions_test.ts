/**
 * Long sessions: a session of 200,000 tokens gives pairs linear in its
 * length in every window mode (counted through PairStream and checked
 * against an independent count), trains in the fixed and shrinking modes,
 * and a session of one repeated account gives no self-pairs and trains
 * without error.
 */

import assert from "node:assert/strict";
import { PairStream, type WindowMode } from "../src/pairs.ts";
import { Prng } from "../src/prng.ts";
import { trainSync } from "../src/train.ts";

const LENGTH = 200_000;
const VOCAB = 1000;
const BATCH = 1 << 16;

/** One session of LENGTH random ids below VOCAB (seeded). */
function randomSession(seed: number): Int32Array {
  const prng = new Prng(seed);
  const ids = new Int32Array(LENGTH);
  for (let i = 0; i < LENGTH; i++) ids[i] = prng.int(VOCAB);
  return ids;
}

function streamOf(
  ids: Int32Array,
  vocab: number,
  windowMode: WindowMode,
  window: number,
  maxSessionWindow?: number,
): PairStream {
  return new PairStream(
    { ids, offsets: Int32Array.of(0, ids.length) },
    new Float64Array(vocab).fill(1),
    {
      window,
      windowMode,
      maxSessionWindow,
      sample: 0,
      negatives: 0,
      selfPairs: false,
      prng: new Prng(9),
    },
  );
}

/** Streams one epoch; returns the pair count and whether any pair was (x, x). */
function countPairs(stream: PairStream): { pairs: number; selfPairs: number } {
  const centers = new Int32Array(BATCH);
  const contexts = new Int32Array(BATCH);
  const negs = new Int32Array(1);
  let pairs = 0;
  let selfPairs = 0;
  for (;;) {
    const n = stream.fill(centers, contexts, negs, BATCH);
    if (n === 0) break;
    for (let k = 0; k < n; k++) if (centers[k] === contexts[k]) selfPairs++;
    pairs += n;
  }
  return { pairs, selfPairs };
}

/** Pairs at distance 1..w with different ids, counted directly. */
function directCount(ids: Int32Array, w: number): number {
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const lo = Math.max(0, i - w);
    const hi = Math.min(ids.length - 1, i + w);
    for (let j = lo; j <= hi; j++) if (j !== i && ids[j] !== ids[i]) count++;
  }
  return count;
}

Deno.test("PairStream gives a 200,000-token session exactly its fixed-window pairs, at most 2 × window × length", () => {
  const ids = randomSession(1);
  for (const window of [1, 5]) {
    const { pairs, selfPairs } = countPairs(
      streamOf(ids, VOCAB, "fixed", window),
    );
    assert.equal(pairs, directCount(ids, window), `window ${window}`);
    assert.ok(pairs <= 2 * window * LENGTH, `window ${window}: ${pairs}`);
    assert.equal(selfPairs, 0);
  }
});

Deno.test("PairStream keeps a 200,000-token shrinking window between the window-1 and full-window counts", () => {
  const ids = randomSession(2);
  const window = 5;
  const { pairs, selfPairs } = countPairs(
    streamOf(ids, VOCAB, "shrinking", window),
  );
  // Each center reaches 1..window, so its pairs lie between the two.
  assert.ok(pairs >= directCount(ids, 1), `${pairs}`);
  assert.ok(pairs <= directCount(ids, window), `${pairs}`);
  // The mean reach is (window + 1) / 2: about 3/5 of the full count.
  const ratio = pairs / directCount(ids, window);
  assert.ok(Math.abs(ratio - 0.6) < 0.02, `ratio ${ratio}`);
  assert.equal(selfPairs, 0);
});

Deno.test("PairStream caps a 200,000-token session in session mode: the count of a fixed window of the cap", () => {
  const ids = randomSession(3);
  const cap = 25;
  const { pairs, selfPairs } = countPairs(
    streamOf(ids, VOCAB, "session", 5, cap),
  );
  assert.equal(pairs, directCount(ids, cap));
  assert.ok(pairs <= 2 * cap * LENGTH);
  assert.equal(selfPairs, 0);
});

Deno.test("PairStream's default session-mode cap is 1000 positions each side, not the whole session", () => {
  // 200,000 tokens cycling through 5,000 distinct ids: the first 1001 differ.
  const ids = new Int32Array(LENGTH);
  for (let i = 0; i < LENGTH; i++) ids[i] = i % 5000;
  const stream = streamOf(ids, 5000, "session", 5);
  const centers = new Int32Array(4096);
  const contexts = new Int32Array(4096);
  const n = stream.fill(centers, contexts, new Int32Array(1), 4096);
  assert.equal(n, 4096);
  // The first center (position 0) pairs with positions 1..1000, then the
  // second (position 1) with position 0 and 2..1001.
  for (let k = 0; k < 1000; k++) {
    assert.equal(centers[k], 0, `pair ${k}`);
    assert.equal(contexts[k], k + 1, `pair ${k}`);
  }
  assert.equal(centers[1000], 1);
  assert.equal(contexts[1000], 0);
  assert.equal(contexts[1001], 2);
});

Deno.test("trainSync() trains a 200,000-token session in fixed and shrinking modes", () => {
  const ids = randomSession(4);
  const session = Array.from(ids, (id) => `acct${id}`);
  for (const windowMode of ["fixed", "shrinking"] as const) {
    const model = trainSync([session], {
      dim: 8,
      window: 3,
      windowMode,
      epochs: 1,
      negatives: 2,
      seed: 5,
    });
    assert.equal(model.vocab.size, VOCAB, windowMode);
    assert.ok(model.input.every(Number.isFinite), windowMode);
    assert.ok(
      model.output!.some((v) => v !== 0),
      `${windowMode}: output trained`,
    );
  }
});

Deno.test("PairStream gives no pairs for a 200,000-token session of one repeated account, in every mode", () => {
  const ids = new Int32Array(LENGTH);
  for (const windowMode of ["fixed", "shrinking", "session"] as const) {
    const { pairs } = countPairs(streamOf(ids, 1, windowMode, 5, 50));
    assert.equal(pairs, 0, windowMode);
  }
});

Deno.test("trainSync() trains beside a session of one repeated account without touching that account's vector", () => {
  const repeated = new Array<string>(LENGTH).fill("same");
  const others = ["b", "c", "d"];
  // Same vocabulary order and seed, different amounts of b-c-d training:
  // the vector of "same" is never a center with another context, so it
  // keeps its initial value in both, while the others differ.
  for (const windowMode of ["fixed", "shrinking", "session"] as const) {
    const options = {
      dim: 4,
      window: 2,
      windowMode,
      epochs: 1,
      negatives: 1,
      seed: 11,
    };
    const once = trainSync([others, repeated], options);
    const twice = trainSync([others, others, others, repeated], options);
    assert.deepEqual(once.vocab.words, twice.vocab.words);
    assert.equal(once.vocab.words[0], "same");
    assert.deepEqual(
      [...once.vector("same")!],
      [...twice.vector("same")!],
      windowMode,
    );
    // Output vectors start at zero, so the b-c-d pairs show there first.
    const b = once.vocab.index("b")! * 4;
    assert.notDeepEqual(
      [...once.output!.subarray(b, b + 4)],
      [...twice.output!.subarray(b, b + 4)],
      windowMode,
    );
    assert.ok(once.input.every(Number.isFinite), windowMode);
  }
});
