import assert from "node:assert/strict";
import {
  buildCorpus,
  buildCorpusFromText,
  buildCorpusSync,
  type BuiltCorpus,
} from "../src/corpus.ts";
import { Prng } from "../src/prng.ts";
import { Vocabulary } from "../src/vocab.ts";

/** Decodes a built corpus back to sessions of account strings. */
function decode(built: BuiltCorpus): string[][] {
  const { ids, offsets } = built.corpus;
  const sessions: string[][] = [];
  for (let s = 0; s + 1 < offsets.length; s++) {
    sessions.push(
      [...ids.subarray(offsets[s]!, offsets[s + 1]!)].map((id) =>
        built.vocab.word(id)
      ),
    );
  }
  return sessions;
}

/** Random sessions over a skewed alphabet, with some empty sessions. */
function randomSessions(seed: number, count: number): string[][] {
  const prng = new Prng(seed);
  const sessions: string[][] = [];
  for (let s = 0; s < count; s++) {
    const length = prng.int(8);
    const session: string[] = [];
    for (let i = 0; i < length; i++) {
      const r = prng.random();
      session.push(`acct${Math.floor(r * r * 40)}`);
    }
    sessions.push(session);
  }
  return sessions;
}

Deno.test("buildCorpusSync() round-trips sessions through the vocabulary", () => {
  const sessions = randomSessions(1, 200);
  const built = buildCorpusSync(sessions);
  assert.deepEqual(decode(built), sessions);
  assert.equal(built.sessionsRead, 200);
  assert.equal(built.tokensRead, sessions.flat().length);
  assert.equal(built.corpus.offsets.length, 201);
  assert.equal(built.corpus.ids.length, sessions.flat().length);
});

Deno.test("buildCorpusSync() orders the vocabulary like Vocabulary.fromCounts()", () => {
  const sessions = randomSessions(2, 300);
  const counts = new Map<string, number>();
  for (const word of sessions.flat()) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  for (const options of [{}, { minCount: 3 }, { maxVocab: 7 }]) {
    const expected = Vocabulary.fromCounts(counts, options);
    const built = buildCorpusSync(sessions, options);
    assert.deepEqual(built.vocab.words, expected.words);
    assert.deepEqual([...built.vocab.counts], [...expected.counts]);
  }
});

Deno.test("buildCorpusSync() drops rare accounts and keeps session boundaries", () => {
  const built = buildCorpusSync([
    ["a", "x", "b"],
    ["z"],
    [],
    ["b", "a", "y", "a"],
  ], { minCount: 2 });
  assert.deepEqual(built.vocab.words, ["a", "b"]);
  assert.deepEqual(decode(built), [["a", "b"], [], [], ["b", "a", "a"]]);
  assert.deepEqual([...built.corpus.offsets], [0, 2, 2, 2, 5]);
  assert.equal(built.tokensRead, 8);
  assert.equal(built.sessionsRead, 4);
});

Deno.test("buildCorpusSync() keeps the maxVocab most frequent accounts", () => {
  const built = buildCorpusSync([["c", "a", "b", "c", "b", "c", "d"]], {
    maxVocab: 2,
  });
  assert.deepEqual(built.vocab.words, ["c", "b"]);
  assert.deepEqual(decode(built), [["c", "b", "c", "b", "c"]]);
});

Deno.test("buildCorpusSync() encodes against a given vocabulary", () => {
  const vocab = new Vocabulary(["b", "a"], [1, 1]);
  const built = buildCorpusSync([["a", "z", "b"], ["z"]], { vocab });
  assert.equal(built.vocab, vocab);
  assert.deepEqual([...built.corpus.ids], [1, 0]);
  assert.deepEqual([...built.corpus.offsets], [0, 2, 2]);
  assert.equal(built.tokensRead, 4);
});

Deno.test("buildCorpusSync() gives the same ids whatever the session order", () => {
  const sessions = randomSessions(3, 100);
  const reversed = [...sessions].reverse();
  const a = buildCorpusSync(sessions);
  const b = buildCorpusSync(reversed);
  assert.deepEqual(a.vocab.words, b.vocab.words);
  assert.deepEqual(decode(b).reverse(), decode(a));
});

Deno.test("buildCorpusSync() handles no sessions", () => {
  const built = buildCorpusSync([]);
  assert.equal(built.vocab.size, 0);
  assert.deepEqual([...built.corpus.offsets], [0]);
  assert.equal(built.corpus.ids.length, 0);
});

Deno.test("buildCorpusSync() rejects bad options and non-string ids", () => {
  assert.throws(() => buildCorpusSync([], { minCount: -1 }), RangeError);
  assert.throws(
    () => buildCorpusSync([], { maxVocab: Number.NaN }),
    RangeError,
  );
  assert.throws(
    () => buildCorpusSync([{ accounts: ["a", 3 as unknown as string] }]),
    { name: "TypeError", message: /session 0 has a number account id at 1/ },
  );
});

Deno.test("buildCorpus() accepts an async iterable of sessions", async () => {
  const sessions = randomSessions(4, 50);
  async function* stream() {
    for (const accounts of sessions) yield { accounts };
  }
  const built = await buildCorpus(stream(), { minCount: 2 });
  const expected = buildCorpusSync(sessions, { minCount: 2 });
  assert.deepEqual(built.vocab.words, expected.vocab.words);
  assert.deepEqual(built.corpus.ids, expected.corpus.ids);
  assert.deepEqual(built.corpus.offsets, expected.corpus.offsets);
});

Deno.test("buildCorpusFromText() matches buildCorpusSync() on the same sessions", async () => {
  const sessions = randomSessions(5, 500);
  const separators = [" ", "\t", "  ", " \f", "\v"];
  const prng = new Prng(6);
  const text = sessions.map((s) =>
    s.join(separators[prng.int(separators.length)]!) +
    (prng.int(3) === 0 ? "\r" : "") + (prng.int(4) === 0 ? " " : "")
  ).join("\n");
  for (const minCount of [1, 4]) {
    const fast = await buildCorpusFromText({ text }, { minCount });
    const slow = buildCorpusSync(sessions, { minCount });
    assert.deepEqual(fast.vocab.words, slow.vocab.words);
    assert.deepEqual(fast.corpus.ids, slow.corpus.ids);
    assert.deepEqual(fast.corpus.offsets, slow.corpus.offsets);
    assert.equal(fast.tokensRead, slow.tokensRead);
    assert.equal(fast.sessionsRead, 500);
  }
});

Deno.test("buildCorpusFromText() reads non-ASCII ids and small chunks of a stream", async () => {
  const text = "café naïve 東京\nnaïve\n東京 café café\n";
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 3) {
        controller.enqueue(bytes.slice(i, i + 3));
      }
      controller.close();
    },
  });
  const built = await buildCorpusFromText(stream);
  assert.deepEqual(built.vocab.words, ["café", "naïve", "東京"]);
  assert.deepEqual(decode(built), [
    ["café", "naïve", "東京"],
    ["naïve"],
    ["東京", "café", "café"],
  ]);
});

Deno.test("buildCorpusFromText() grows its tables past their first size", async () => {
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
  const text = words.join(" ") + "\n" + words.slice(0, 10).join(" ");
  const built = await buildCorpusFromText({ text });
  assert.equal(built.vocab.size, 5000);
  assert.equal(built.tokensRead, 5010);
  assert.deepEqual(decode(built)[1], words.slice(0, 10));
  assert.equal(built.vocab.count(built.vocab.index("w3")!), 2);
});

Deno.test("buildCorpusFromText() encodes against a given vocabulary", async () => {
  const vocab = new Vocabulary(["b", "a"], [1, 1]);
  const built = await buildCorpusFromText({ text: "a z b\nz\n" }, { vocab });
  assert.deepEqual([...built.corpus.ids], [1, 0]);
  assert.deepEqual([...built.corpus.offsets], [0, 2, 2]);
});

Deno.test("buildCorpus() accepts plain arrays of account ids", async () => {
  const built = await buildCorpus([["a", "b"], { accounts: ["b"] }]);
  assert.deepEqual(built.vocab.words, ["b", "a"]);
  assert.deepEqual([...built.corpus.ids], [1, 0, 0]);
  assert.deepEqual([...built.corpus.offsets], [0, 2, 3]);
});
