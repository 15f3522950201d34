import assert from "node:assert/strict";
import type { Corpus } from "../src/corpus.ts";
import {
  countFixedWindowPairs,
  PairStream,
  type PairStreamOptions,
} from "../src/pairs.ts";
import { Prng } from "../src/prng.ts";

interface Batch {
  centers: number[];
  contexts: number[];
  negs: number[];
}

/** Drains one epoch with batches of `maxPairs`. */
function drain(stream: PairStream, maxPairs: number): Batch {
  const k = stream.negatives;
  const centers = new Int32Array(maxPairs);
  const contexts = new Int32Array(maxPairs);
  const negs = new Int32Array(maxPairs * k);
  const out: Batch = { centers: [], contexts: [], negs: [] };
  let n: number;
  while ((n = stream.fill(centers, contexts, negs, maxPairs)) > 0) {
    for (let i = 0; i < n; i++) {
      out.centers.push(centers[i]!);
      out.contexts.push(contexts[i]!);
    }
    for (let i = 0; i < n * k; i++) out.negs.push(negs[i]!);
  }
  return out;
}

function corpusOf(sessions: number[][]): Corpus {
  const offsets = new Int32Array(sessions.length + 1);
  for (let s = 0; s < sessions.length; s++) {
    offsets[s + 1] = offsets[s]! + sessions[s]!.length;
  }
  return { ids: Int32Array.from(sessions.flat()), offsets };
}

function pairKeys(batch: Batch): string[] {
  return batch.centers.map((c, i) => `${c}>${batch.contexts[i]}`).sort();
}

function randomSessions(
  prng: Prng,
  count: number,
  maxLength: number,
  vocab: number,
): number[][] {
  return Array.from(
    { length: count },
    () =>
      Array.from({ length: 1 + prng.int(maxLength) }, () => prng.int(vocab)),
  );
}

const noNegatives: Partial<PairStreamOptions> = { negatives: 0, sample: 0 };

Deno.test("`countFixedWindowPairs()` matches a brute-force count", () => {
  for (let length = 0; length < 12; length++) {
    for (let window = 0; window < 14; window++) {
      let expected = 0;
      for (let i = 0; i < length; i++) {
        for (let j = 0; j < length; j++) {
          if (i !== j && Math.abs(i - j) <= window) expected++;
        }
      }
      assert.equal(countFixedWindowPairs(length, window), expected);
    }
  }
  assert.throws(() => countFixedWindowPairs(-1, 2), RangeError);
});

Deno.test("`PairStream.fill()` fixed-window pair counts equal the closed form", () => {
  const prng = new Prng(1);
  for (let trial = 0; trial < 30; trial++) {
    const length = 1 + prng.int(60);
    const window = 1 + prng.int(8);
    // Distinct ids, so no self-pair is dropped.
    const session = Array.from({ length }, (_, i) => i);
    const stream = new PairStream(
      corpusOf([session]),
      new Float64Array(60).fill(1),
      { ...noNegatives, window, windowMode: "fixed", prng },
    );
    const n = drain(stream, 17).centers.length;
    assert.equal(
      n,
      countFixedWindowPairs(length, window),
      `L ${length} w ${window}`,
    );
  }
});

for (const selfPairs of [true, false]) {
  Deno.test(`\`PairStream.fill()\` fixed window gives the exact pair multiset (selfPairs ${selfPairs})`, () => {
    const session = [4, 2, 7, 2, 9];
    const stream = new PairStream(
      corpusOf([session]),
      new Float64Array(10).fill(1),
      {
        ...noNegatives,
        window: 2,
        windowMode: "fixed",
        selfPairs,
        prng: new Prng(2),
      },
    );
    const expected: string[] = [];
    for (let i = 0; i < session.length; i++) {
      for (let j = i - 2; j <= i + 2; j++) {
        if (j < 0 || j >= session.length || j === i) continue;
        if (!selfPairs && session[i] === session[j]) continue;
        expected.push(`${session[i]}>${session[j]}`);
      }
    }
    assert.deepEqual(pairKeys(drain(stream, 100)), expected.sort());
  });
}

Deno.test("`PairStream.fill()` gives no pairs for a session of one repeated account", () => {
  for (const selfPairs of [true, false]) {
    const stream = new PairStream(
      corpusOf([[3, 3, 3, 3], [1, 1, 2, 1]]),
      new Float64Array(4).fill(1),
      {
        ...noNegatives,
        window: 3,
        windowMode: "fixed",
        selfPairs,
        prng: new Prng(3),
      },
    );
    const batch = drain(stream, 20);
    // Only the second session gives pairs: 12 ordered pairs, 6 of them 1>1.
    const self = batch.centers.filter((c, i) => c === batch.contexts[i]);
    assert.ok(
      batch.centers.every((c) => c !== 3),
      `selfPairs ${selfPairs}: session [3,3,3,3] gave pairs`,
    );
    assert.equal(batch.centers.length, selfPairs ? 12 : 6);
    assert.equal(self.length, selfPairs ? 6 : 0);
  }
});

Deno.test("`PairStream.fill()` shrinking window offsets occur with (w − d + 1)/w", () => {
  const window = 5;
  const length = 400;
  const sessions = Array.from(
    { length: 25 },
    () => Array.from({ length }, (_, i) => i),
  );
  const stream = new PairStream(
    corpusOf(sessions),
    new Float64Array(length).fill(1),
    {
      ...noNegatives,
      window,
      prng: new Prng(4),
    },
  );
  const batch = drain(stream, 1000);
  // Interior centers see both sides at every offset.
  const byOffset = new Float64Array(window + 1);
  batch.centers.forEach((c, i) => {
    if (c >= window && c < length - window) {
      byOffset[Math.abs(batch.contexts[i]! - c)]!++;
    }
  });
  const centers = sessions.length * (length - 2 * window);
  assert.equal(byOffset[0], 0);
  for (let d = 1; d <= window; d++) {
    const p = (window - d + 1) / window;
    // Each center gives 0 or 2 pairs at offset d.
    const mean = 2 * centers * p;
    const sd = Math.sqrt(4 * centers * p * (1 - p));
    if (d === 1) {
      assert.equal(byOffset[d], mean);
      continue;
    }
    const z = (byOffset[d]! - mean) / sd;
    assert.ok(Math.abs(z) < 4.5, `offset ${d}: z ${z.toFixed(2)}`);
  }
});

Deno.test("`PairStream.fill()` subsampling keeps tokens at word2vec's rate", () => {
  // Single-token sessions with a global context: one pair per kept token.
  const classes = [1, 3, 10, 40, 200];
  const counts = new Float64Array(classes.length + 1);
  classes.forEach((c, i) => counts[i] = c);
  const sentinel = classes.length;
  const perClass = 8000;
  const sessions: number[][] = [];
  for (let r = 0; r < perClass; r++) {
    for (let id = 0; id < classes.length; id++) sessions.push([id]);
  }
  const sample = 0.01;
  const globalContext = new Int32Array(sessions.length).fill(sentinel);
  const stream = new PairStream(corpusOf(sessions), counts, {
    ...noNegatives,
    sample,
    globalContext,
    prng: new Prng(5),
  });
  const total = counts.reduce((a, b) => a + b, 0);
  const first = drain(stream, 500);
  const kept = new Float64Array(classes.length);
  for (const c of first.centers) kept[c]!++;
  for (let id = 0; id < classes.length; id++) {
    const f = classes[id]!;
    const p = Math.min(
      1,
      (Math.sqrt(f / (sample * total)) + 1) * sample * total / f,
    );
    const sd = Math.sqrt(perClass * p * (1 - p));
    if (p === 1) assert.equal(kept[id], perClass);
    else {
      const z = (kept[id]! - perClass * p) / sd;
      assert.ok(Math.abs(z) < 4.5, `count ${f}: kept ${kept[id]}, p ${p}`);
    }
  }
  assert.ok(kept[4]! < 0.5 * perClass, "frequent account is subsampled");
  stream.startEpoch();
  const second = drain(stream, 500);
  assert.notDeepEqual(second.centers, first.centers, "fresh draw each epoch");
});

Deno.test("`PairStream.fill()` session mode pairs every position, capped", () => {
  const short = [0, 1, 2, 3, 4, 5];
  const stream = new PairStream(
    corpusOf([short]),
    new Float64Array(80).fill(1),
    {
      ...noNegatives,
      windowMode: "session",
      prng: new Prng(6),
    },
  );
  const expected: string[] = [];
  for (const a of short) {
    for (const b of short) if (a !== b) expected.push(`${a}>${b}`);
  }
  assert.deepEqual(pairKeys(drain(stream, 7)), expected.sort());

  const long = Array.from({ length: 80 }, (_, i) => i);
  const capped = new PairStream(
    corpusOf([long]),
    new Float64Array(80).fill(1),
    {
      ...noNegatives,
      windowMode: "session",
      maxSessionWindow: 4,
      prng: new Prng(6),
    },
  );
  const batch = drain(capped, 64);
  assert.ok(batch.centers.length <= 80 * 2 * 4);
  assert.equal(batch.centers.length, countFixedWindowPairs(80, 4));
  batch.centers.forEach((c, i) =>
    assert.ok(Math.abs(batch.contexts[i]! - c) <= 4)
  );
});

Deno.test("`PairStream.fill()` resumes across tiny batches with the same output", () => {
  const prng = new Prng(7);
  const sessions = randomSessions(prng, 60, 25, 40);
  const counts = new Float64Array(40);
  for (const s of sessions) for (const id of s) counts[id]!++;
  const globalContext = Int32Array.from(
    sessions,
    (_, s) => s % 3 === 0 ? -1 : s % 40,
  );
  for (const sampler of ["unigram", "uniform", "hard", "mixed"] as const) {
    const make = () =>
      new PairStream(corpusOf(sessions), counts, {
        window: 4,
        sample: 0.05,
        negatives: 3,
        sampler,
        globalContext,
        prng: new Prng(99),
      });
    const whole = drain(make(), 100_000);
    assert.ok(whole.centers.length > 500);
    for (const size of [1, 3, 7]) {
      assert.deepEqual(
        drain(make(), size),
        whole,
        `${sampler}, batches of ${size}`,
      );
    }
  }
});

Deno.test("`PairStream.fill()` is deterministic per seed", () => {
  const sessions = randomSessions(new Prng(8), 50, 20, 30);
  const counts = new Float64Array(30).fill(2);
  const make = (seed: number) =>
    new PairStream(corpusOf(sessions), counts, {
      sample: 0.1,
      prng: new Prng(seed),
    });
  const a = drain(make(1), 256);
  assert.deepEqual(drain(make(1), 256), a);
  assert.notDeepEqual(drain(make(2), 256), a);
});

Deno.test("`PairStream.fill()` session range slices cover the whole corpus", () => {
  const sessions = randomSessions(new Prng(9), 40, 15, 25);
  const counts = new Float64Array(25).fill(1);
  const options = { ...noNegatives, window: 3, windowMode: "fixed" as const };
  const whole = new PairStream(corpusOf(sessions), counts, {
    ...options,
    prng: new Prng(1),
  });
  const wholeKeys = pairKeys(drain(whole, 64));
  const keys: string[] = [];
  let tokens = 0;
  for (
    const range of [[0, 13], [13, 13], [13, 29], [29, 40]] as [number, number][]
  ) {
    const part = new PairStream(corpusOf(sessions), counts, {
      ...options,
      sessionRange: range,
      prng: new Prng(range[0]),
    });
    keys.push(...pairKeys(drain(part, 64)));
    assert.equal(part.tokensDone, part.epochTokens);
    tokens += part.epochTokens;
  }
  assert.deepEqual(keys.sort(), wholeKeys);
  assert.equal(tokens, whole.epochTokens);
  assert.equal(whole.epochTokens, sessions.flat().length);
});

Deno.test("`PairStream.fill()` adds the global context once per center", () => {
  const sessions = [[0, 1, 2], [3, 4], [5], [0, 6, 0]];
  const globalContext = new Int32Array([7, -1, 8, 6]);
  const stream = new PairStream(
    corpusOf(sessions),
    new Float64Array(9).fill(1),
    {
      ...noNegatives,
      window: 1,
      windowMode: "fixed",
      globalContext,
      prng: new Prng(10),
    },
  );
  const keys = pairKeys(drain(stream, 5));
  const count = (key: string) => keys.filter((k) => k === key).length;
  for (const c of [0, 1, 2]) assert.equal(count(`${c}>7`), 1);
  assert.equal(count("5>8"), 1);
  // Session 3: each kept 0 gets its own global pair; 6 is the global itself.
  assert.equal(count("0>6"), 2 + 2);
  assert.equal(count("6>6"), 0);
  assert.equal(keys.filter((k) => k.endsWith(">7")).length, 3);
});

Deno.test("`PairStream.fill()` hard negatives stay outside the center's session", () => {
  const prng = new Prng(11);
  const sessions = randomSessions(prng, 200, 12, 50);
  const counts = new Float64Array(50);
  for (const s of sessions) for (const id of s) counts[id]!++;
  for (let id = 0; id < 50; id++) counts[id] = Math.max(counts[id]!, 1);
  const corpus = corpusOf(sessions);
  let pairs = 0;
  // One stream per session, so every pair's session is known.
  for (let s = 0; s < sessions.length; s++) {
    const stream = new PairStream(corpus, counts, {
      sample: 0,
      negatives: 4,
      sampler: "hard",
      sessionRange: [s, s + 1],
      prng,
    });
    const members = new Set(sessions[s]);
    const batch = drain(stream, 33);
    pairs += batch.centers.length;
    for (const neg of batch.negs) {
      assert.ok(neg >= 0 && !members.has(neg), `member ${neg} of session ${s}`);
    }
  }
  assert.ok(pairs > 1000);
});

Deno.test("`PairStream` counts tokens and rewinds with `startEpoch()`", () => {
  const sessions = [[0, 1], [2], [1, 2, 0]];
  const stream = new PairStream(
    corpusOf(sessions),
    new Float64Array(3).fill(1),
    {
      window: 2,
      prng: new Prng(12),
    },
  );
  assert.equal(stream.epochTokens, 6);
  assert.equal(stream.tokensDone, 0);
  const first = drain(stream, 4);
  assert.equal(stream.tokensDone, 6);
  stream.startEpoch();
  assert.equal(stream.tokensDone, 0);
  assert.equal(drain(stream, 4).centers.length, first.centers.length);
});

Deno.test("`PairStream` rejects bad corpora, options and buffers", () => {
  const corpus = corpusOf([[0, 1, 2]]);
  const counts = new Float64Array(3).fill(1);
  const prng = new Prng(13);
  assert.throws(
    () =>
      new PairStream(
        { ids: [0] as unknown as Int32Array, offsets: new Int32Array([0, 1]) },
        counts,
        { prng },
      ),
    TypeError,
  );
  assert.throws(
    () => new PairStream(corpusOf([[0, 5]]), counts, { prng }),
    RangeError,
  );
  assert.throws(() => new PairStream(corpus, counts, { window: 0, prng }), {
    name: "RangeError",
    message: "Cannot create pair stream: window must be an integer >= 1, got 0",
  });
  assert.throws(
    () => new PairStream(corpus, counts, { sample: -1, prng }),
    RangeError,
  );
  assert.throws(
    () =>
      new PairStream(corpus, counts, { windowMode: "wide" as "fixed", prng }),
    RangeError,
  );
  assert.throws(
    () => new PairStream(corpus, counts, { sessionRange: [0, 2], prng }),
    RangeError,
  );
  assert.throws(
    () => new PairStream(corpus, counts, { sampler: "nope" as "hard", prng }),
    RangeError,
  );
  const stream = new PairStream(corpus, counts, { negatives: 5, prng });
  assert.throws(
    () =>
      stream.fill(new Int32Array(4), new Int32Array(4), new Int32Array(10), 4),
    RangeError,
  );
});
