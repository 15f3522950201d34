import assert from "node:assert/strict";
import { pca, pcaWithInfo } from "../src/pca.ts";
import { Prng } from "../src/prng.ts";

function gaussian(prng: Prng): number {
  const u = 1 - prng.random();
  const v = prng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Rows spread 10× wider along `direction` than along any other axis. */
function elongated(
  rows: number,
  dim: number,
  direction: Float64Array,
  seed: number,
): Float32Array {
  const prng = new Prng(seed);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const along = 10 * gaussian(prng);
    for (let j = 0; j < dim; j++) {
      out[r * dim + j] = 5 + along * direction[j]! + gaussian(prng);
    }
  }
  return out;
}

function unitDirection(dim: number, seed: number): Float64Array {
  const prng = new Prng(seed);
  const d = new Float64Array(dim);
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    d[j] = gaussian(prng);
    norm += d[j]! * d[j]!;
  }
  for (let j = 0; j < dim; j++) d[j]! /= Math.sqrt(norm);
  return d;
}

Deno.test("pcaWithInfo() finds a known dominant direction", () => {
  const dim = 16;
  const direction = unitDirection(dim, 3);
  const data = elongated(600, dim, direction, 4);
  const info = pcaWithInfo(data, 600, dim, 3);
  let cos = 0;
  for (let j = 0; j < dim; j++) cos += info.components[j]! * direction[j]!;
  assert.ok(Math.abs(cos) > 0.99, `|cos| = ${Math.abs(cos)}`);
});

Deno.test("pcaWithInfo() returns orthonormal components", () => {
  const dim = 12;
  const data = elongated(300, dim, unitDirection(dim, 5), 6);
  const k = 5;
  const { components } = pcaWithInfo(data, 300, dim, k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) {
        dot += components[a * dim + j]! * components[b * dim + j]!;
      }
      assert.ok(
        Math.abs(dot - (a === b ? 1 : 0)) < 1e-9,
        `<${a},${b}> = ${dot}`,
      );
    }
  }
});

Deno.test("pcaWithInfo() orders explained variance descending and sums ratios to 1", () => {
  const dim = 8;
  const data = elongated(200, dim, unitDirection(dim, 7), 8);
  const info = pcaWithInfo(data, 200, dim, dim);
  for (let c = 1; c < dim; c++) {
    assert.ok(info.explainedVariance[c - 1]! >= info.explainedVariance[c]!);
  }
  const sum = info.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `sum = ${sum}`);
});

Deno.test("pcaWithInfo() matches variances computed from the projection", () => {
  const dim = 6;
  const rows = 150;
  const data = elongated(rows, dim, unitDirection(dim, 9), 10);
  const info = pcaWithInfo(data, rows, dim, 2);
  for (let c = 0; c < 2; c++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += info.projected[r * 2 + c]!;
    mean /= rows;
    let variance = 0;
    for (let r = 0; r < rows; r++) {
      variance += (info.projected[r * 2 + c]! - mean) ** 2;
    }
    variance /= rows - 1;
    const expected = info.explainedVariance[c]!;
    assert.ok(Math.abs(variance - expected) / expected < 1e-4);
  }
});

Deno.test("pcaWithInfo() makes each component's largest coordinate positive", () => {
  const dim = 10;
  const data = elongated(100, dim, unitDirection(dim, 11), 12);
  const { components } = pcaWithInfo(data, 100, dim, 4);
  for (let c = 0; c < 4; c++) {
    const row = Array.from(components.subarray(c * dim, (c + 1) * dim));
    const largest = row.reduce((a, b) => Math.abs(b) > Math.abs(a) ? b : a, 0);
    assert.ok(largest > 0);
  }
});

Deno.test("pca() is deterministic", () => {
  const dim = 20;
  const data = elongated(250, dim, unitDirection(dim, 13), 14);
  assert.deepEqual(pca(data, 250, dim), pca(data.slice(), 250, dim));
});

Deno.test("pca() handles a single row and constant data", () => {
  const one = pcaWithInfo(Float32Array.of(1, 2, 3), 1, 3, 2);
  assert.deepEqual(Array.from(one.projected), [0, 0]);
  assert.deepEqual(Array.from(one.explainedVarianceRatio), [0, 0]);
  const constant = pca(new Float32Array(20).fill(4), 5, 4, 2);
  assert.ok(constant.every((x) => x === 0));
});

Deno.test("pca() rejects bad shapes and component counts", () => {
  assert.throws(() => pca(new Float32Array(5), 2, 3), TypeError);
  assert.throws(() => pca(new Float32Array(6), 2, 3, 4), RangeError);
  assert.throws(() => pca(new Float32Array(6), 2, 3, 0), RangeError);
  assert.throws(
    () => pca(Float32Array.of(1, NaN, 3, 4), 2, 2),
    /Cannot run PCA: row 0 holds NaN/,
  );
});

Deno.test("pcaWithInfo() returns eigenvectors of the sample covariance", () => {
  const dim = 7;
  const rows = 120;
  const data = elongated(rows, dim, unitDirection(dim, 15), 16);
  const info = pcaWithInfo(data, rows, dim, 3);
  // Covariance computed here, independently, in the two-pass textbook way.
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) mean[j]! += data[r * dim + j]! / rows;
  }
  const cov = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        sum += (data[r * dim + a]! - mean[a]!) *
          (data[r * dim + b]! - mean[b]!);
      }
      cov[a * dim + b] = sum / (rows - 1);
    }
  }
  for (let c = 0; c < 3; c++) {
    const v = info.components.subarray(c * dim, (c + 1) * dim);
    const lambda = info.explainedVariance[c]!;
    for (let a = 0; a < dim; a++) {
      let cv = 0;
      for (let b = 0; b < dim; b++) cv += cov[a * dim + b]! * v[b]!;
      assert.ok(
        Math.abs(cv - lambda * v[a]!) < 1e-6 * lambda,
        `component ${c}`,
      );
    }
  }
});
