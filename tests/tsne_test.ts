import assert from "node:assert/strict";
import { tsne, TSNE_MAX_ROWS } from "../src/tsne.ts";
import { Prng } from "../src/prng.ts";

function gaussian(prng: Prng): number {
  const u = 1 - prng.random();
  const v = prng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `clusters` Gaussian blobs (unit spread) with centres ~`separation` apart. */
function blobs(
  clusters: number,
  perCluster: number,
  dim: number,
  separation: number,
  seed: number,
): { vectors: Float32Array; cluster: number[] } {
  const prng = new Prng(seed);
  const centres = Array.from(
    { length: clusters },
    () => Array.from({ length: dim }, () => separation * gaussian(prng)),
  );
  const vectors = new Float32Array(clusters * perCluster * dim);
  const cluster: number[] = [];
  let row = 0;
  for (let c = 0; c < clusters; c++) {
    for (let i = 0; i < perCluster; i++, row++) {
      for (let j = 0; j < dim; j++) {
        vectors[row * dim + j] = centres[c]![j]! + gaussian(prng);
      }
      cluster.push(c);
    }
  }
  return { vectors, cluster };
}

/** Share of points whose nearest 2-D neighbour has the same label. */
function nearestNeighbourAgreement(y: Float32Array, label: number[]): number {
  const n = label.length;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (y[2 * i]! - y[2 * j]!) ** 2 +
        (y[2 * i + 1]! - y[2 * j + 1]!) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = j;
      }
    }
    if (label[best] === label[i]) agree++;
  }
  return agree / n;
}

Deno.test("tsne() keeps well-separated clusters apart in 2-D", () => {
  const { vectors, cluster } = blobs(3, 50, 20, 3, 21);
  const y = tsne(vectors, 150, 20, { perplexity: 15, iterations: 300 });
  assert.equal(y.length, 300);
  assert.ok(y.every(Number.isFinite));
  const agreement = nearestNeighbourAgreement(y, cluster);
  assert.ok(agreement >= 0.95, `agreement = ${agreement}`);
});

Deno.test("tsne() separates clusters from a random start too", () => {
  const { vectors, cluster } = blobs(3, 40, 20, 3, 22);
  const y = tsne(vectors, 120, 20, {
    perplexity: 10,
    iterations: 300,
    init: "random",
    seed: 5,
  });
  const agreement = nearestNeighbourAgreement(y, cluster);
  assert.ok(agreement >= 0.95, `agreement = ${agreement}`);
});

Deno.test("tsne() places cluster centres further apart than cluster spread", () => {
  const { vectors, cluster } = blobs(3, 30, 20, 3, 23);
  const y = tsne(vectors, 90, 20, { perplexity: 10, iterations: 300 });
  const centre = [0, 1, 2].map((c) => {
    let x = 0;
    let z = 0;
    for (let i = 0; i < 90; i++) {
      if (cluster[i] !== c) continue;
      x += y[2 * i]! / 30;
      z += y[2 * i + 1]! / 30;
    }
    return [x, z] as const;
  });
  let spread = 0;
  for (let i = 0; i < 90; i++) {
    const [x, z] = centre[cluster[i]!]!;
    spread = Math.max(spread, Math.hypot(y[2 * i]! - x, y[2 * i + 1]! - z));
  }
  for (let a = 0; a < 3; a++) {
    for (let b = a + 1; b < 3; b++) {
      const gap = Math.hypot(
        centre[a]![0] - centre[b]![0],
        centre[a]![1] - centre[b]![1],
      );
      assert.ok(gap > spread, `gap ${gap} vs spread ${spread}`);
    }
  }
});

Deno.test("tsne() is deterministic for a seed", () => {
  const { vectors } = blobs(2, 20, 8, 2, 24);
  for (const init of ["pca", "random"] as const) {
    const options = { perplexity: 5, iterations: 80, seed: 9, init };
    assert.deepEqual(
      tsne(vectors, 40, 8, options),
      tsne(vectors, 40, 8, options),
    );
  }
  const a = tsne(vectors, 40, 8, {
    perplexity: 5,
    iterations: 80,
    init: "random",
    seed: 1,
  });
  const b = tsne(vectors, 40, 8, {
    perplexity: 5,
    iterations: 80,
    init: "random",
    seed: 2,
  });
  assert.notDeepEqual(a, b);
});

Deno.test("tsne() rejects a perplexity above rows - 1", () => {
  const { vectors } = blobs(1, 10, 4, 1, 25);
  assert.throws(
    () => tsne(vectors, 10, 4, { perplexity: 9.5 }),
    (e: unknown) =>
      e instanceof RangeError && /perplexity/.test(e.message) &&
      /9\.5/.test(e.message),
  );
  assert.throws(() => tsne(vectors, 10, 4, { perplexity: 0 }), RangeError);
  assert.doesNotThrow(() =>
    tsne(vectors, 10, 4, { perplexity: 9, iterations: 5 })
  );
});

Deno.test("tsne() rejects too many rows with advice to sample", () => {
  const rows = TSNE_MAX_ROWS + 1;
  assert.throws(
    () => tsne(new Float32Array(rows * 2), rows, 2),
    (e: unknown) => e instanceof RangeError && /sample/.test(e.message),
  );
});

Deno.test("tsne() rejects bad shapes and options", () => {
  assert.throws(() => tsne(new Float32Array(7), 2, 4), TypeError);
  assert.throws(
    () =>
      tsne(Float32Array.of(0, Infinity, 1, 1, 2, 2), 3, 2, { perplexity: 1 }),
    RangeError,
  );
  const ok = Float32Array.of(0, 0, 1, 1, 2, 2);
  assert.throws(
    () => tsne(ok, 3, 2, { perplexity: 1, learningRate: 0 }),
    RangeError,
  );
  assert.throws(
    () => tsne(ok, 3, 2, { perplexity: 1, iterations: 1.5 }),
    RangeError,
  );
});
