import assert from "node:assert/strict";
import { Model } from "../src/model.ts";
import { Vocabulary } from "../src/vocab.ts";
import { Prng } from "../src/prng.ts";

function randomModel(rows: number, dim: number, seed: number): Model {
  const prng = new Prng(seed);
  const words = Array.from({ length: rows }, (_, i) => `a${i}`);
  const input = new Float32Array(rows * dim);
  for (let i = 0; i < input.length; i++) input[i] = prng.random() - 0.5;
  return new Model({
    vocab: new Vocabulary(words, words.map((_, i) => rows - i)),
    dim,
    input,
  });
}

/** Cosine ranking in float64, ties by lower index. */
function bruteForce(
  model: Model,
  query: Float32Array,
  k: number,
  exclude: Set<number>,
): number[] {
  const dim = model.dim;
  let qn = 0;
  for (let j = 0; j < dim; j++) qn += query[j]! * query[j]!;
  const scored: [number, number][] = [];
  for (let r = 0; r < model.size; r++) {
    if (exclude.has(r)) continue;
    let dot = 0;
    let rn = 0;
    for (let j = 0; j < dim; j++) {
      dot += model.input[r * dim + j]! * query[j]!;
      rn += model.input[r * dim + j]! ** 2;
    }
    scored.push([r, dot / Math.sqrt(rn * qn)]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return scored.slice(0, k).map((s) => s[0]);
}

Deno.test("Model.similar() ranks like a float64 cosine scan, excluding the query and given accounts", () => {
  for (const dim of [3, 16, 37]) {
    const model = randomModel(500, dim, dim);
    for (const q of [0, 7, 499]) {
      const exclude = ["a1", "a2", "a3"];
      const got = model.similar(`a${q}`, 12, { exclude }).map((n) => n.index);
      const want = bruteForce(
        model,
        model.vector(`a${q}`)!,
        12,
        new Set([q, 1, 2, 3]),
      );
      // float32 scores may swap near-ties; the sets agree and at most a pair is swapped.
      assert.deepEqual(
        [...got].sort(),
        [...want].sort(),
        `dim ${dim} query ${q}`,
      );
      const same = got.filter((x, i) => x === want[i]).length;
      assert.ok(
        same >= 10,
        `dim ${dim} query ${q}: order differs in ${12 - same} places`,
      );
    }
  }
});

Deno.test("Model.similarBatch() equals one similarToVector() per query", () => {
  const model = randomModel(300, 20, 4);
  const prng = new Prng(5);
  const n = 9;
  const queries = new Float32Array(n * 20);
  for (let i = 0; i < queries.length; i++) queries[i] = prng.random() - 0.5;
  const batch = model.similarBatch(queries, 15, { exclude: ["a0"] });
  assert.equal(batch.length, n);
  for (let q = 0; q < n; q++) {
    const single = model.similarToVector(
      queries.subarray(q * 20, (q + 1) * 20),
      15,
      { exclude: ["a0"] },
    );
    assert.deepEqual(batch[q], single);
    assert.ok(batch[q]!.every((x) => x.account !== "a0"));
  }
});

Deno.test("Model.similarToVector() with int8 precision recalls at least 95% of the exact top 10", () => {
  const model = randomModel(5000, 64, 6);
  const prng = new Prng(7);
  let hits = 0;
  let total = 0;
  for (let q = 0; q < 40; q++) {
    const query = Float32Array.from({ length: 64 }, () => prng.random() - 0.5);
    const exact = new Set(model.similarToVector(query, 10).map((x) => x.index));
    const approx = model.similarToVector(query, 10, { precision: "int8" });
    assert.equal(approx.length, 10);
    for (const x of approx) if (exact.has(x.index)) hits++;
    total += 10;
  }
  assert.ok(hits / total >= 0.95, `recall@10 ${hits / total}`);
});

Deno.test("Model queries handle k above the vocabulary, k = 0, unknown accounts and a disposed model", () => {
  const model = randomModel(5, 4, 8);
  assert.equal(model.similar("a0", 100).length, 4);
  assert.equal(model.similar("a0", 0).length, 0);
  assert.equal(model.vector("zzz"), undefined);
  assert.throws(() => model.similar("zzz"), RangeError);
  assert.throws(() => model.similarToVector([1, 2, 3], 2), TypeError);
  assert.throws(() => model.similar("a0", -1), RangeError);
  const v = model.vector("a1")!;
  v[0] = 99;
  assert.notEqual(model.vector("a1")![0], 99, "vector() returns a copy");
  model.dispose();
  assert.throws(() => model.similar("a0", 2), /disposed/);
});
