/**
 * Plain TypeScript references of the kernel operations, for tests.
 *
 * Each function takes the same arguments as its kernel export, but over typed
 * arrays and row indices instead of pointers. Arithmetic is in float64 with
 * results stored to the given (usually f32) arrays; σ is exact
 * (`Math.exp`) unless `exact` is false, in which case the kernel's table
 * interpolation is reproduced. Reference: word2vec.c (Mikolov et al., 2013).
 *
 * @module
 */

import {
  SIGMOID_MAX_X,
  SIGMOID_TABLE_SIZE,
  sigmoidTableValues,
} from "./_kernel.ts";

/** A float array a reference reads or updates. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The logistic function σ(x) = 1 / (1 + e^-x).
 *
 * @param x Any number.
 * @param exact Use `Math.exp` (default) or the kernel's interpolated table.
 * @returns σ(x).
 * @example
 * ```ts
 * import { sigmoidRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(sigmoidRef(0), 0.5);
 * assert.ok(Math.abs(sigmoidRef(2, false) - sigmoidRef(2)) < 1e-6);
 * ```
 */
export function sigmoidRef(x: number, exact = true): number {
  if (exact) return x >= 0 ? 1 / (1 + Math.exp(-x)) : 1 - 1 / (1 + Math.exp(x));
  return tableLookup(x, 0, 0, 1);
}

/**
 * log σ(x), computed without overflow.
 *
 * @param x Any number.
 * @param exact Use `Math.exp` (default) or the kernel's interpolated table.
 * @returns log σ(x), at most 0.
 * @example
 * ```ts
 * import { logSigmoidRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(logSigmoidRef(-1000), -1000);
 * assert.ok(Math.abs(logSigmoidRef(0) - Math.log(0.5)) < 1e-15);
 * ```
 */
export function logSigmoidRef(x: number, exact = true): number {
  if (exact) {
    return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
  }
  return tableLookup(x, SIGMOID_TABLE_SIZE + 1, x, 0);
}

function tableLookup(
  x: number,
  base: number,
  low: number,
  high: number,
): number {
  const table = sigmoidTableValues();
  const t = Math.fround(
    Math.fround(x + SIGMOID_MAX_X) *
      Math.fround(SIGMOID_TABLE_SIZE / (2 * SIGMOID_MAX_X)),
  );
  if (!(t > 0)) return low;
  if (t >= SIGMOID_TABLE_SIZE) return high;
  const i = Math.floor(t);
  const a = table[base + i]!;
  return a + (t - i) * (table[base + i + 1]! - a);
}

function dot(
  a: FloatArray,
  ai: number,
  b: FloatArray,
  bi: number,
  dim: number,
): number {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[ai + d]! * b[bi + d]!;
  return s;
}

/**
 * SGD over a batch of skip-gram pairs, word2vec order, like `sgnsStepF32`:
 * for each target t (the context with label 1, then each negative with label
 * 0, skipping -1 and the context), f = u·v_t, g = (label − σ(f))·lr,
 * grad += g·v_t, v_t += g·u; then u += grad. Updates `inM` and `outM`.
 *
 * @param inM Input vectors, row-major, rows of `dim`.
 * @param outM Output vectors, row-major, rows of `dim`.
 * @param centers Center row per pair.
 * @param contexts Context row per pair.
 * @param negs `nNeg` negative rows per pair.
 * @param nNeg Negatives per pair.
 * @param dim Vector length.
 * @param lr Learning rate.
 * @param exact Exact σ (default) or the kernel's table.
 * @returns The summed loss before each target's update.
 * @example
 * ```ts
 * import { sgnsStepRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * const inM = Float32Array.of(0, 0);
 * const outM = Float32Array.of(1, 1);
 * const loss = sgnsStepRef(inM, outM, Int32Array.of(0), Int32Array.of(0), new Int32Array(0), 0, 2, 0.5);
 * assert.ok(Math.abs(loss - Math.log(2)) < 1e-12);
 * assert.deepEqual([...inM], [0.25, 0.25]);
 * ```
 */
export function sgnsStepRef(
  inM: FloatArray,
  outM: FloatArray,
  centers: Int32Array,
  contexts: Int32Array,
  negs: Int32Array,
  nNeg: number,
  dim: number,
  lr: number,
  exact = true,
): number {
  let loss = 0;
  const grad = new Float64Array(dim);
  for (let i = 0; i < centers.length; i++) {
    const u = centers[i]! * dim;
    const ctx = contexts[i]!;
    grad.fill(0);
    for (let j = -1; j < nNeg; j++) {
      const t = j < 0 ? ctx : negs[i * nNeg + j]!;
      if (j >= 0 && (t < 0 || t === ctx)) continue;
      const label = j < 0 ? 1 : 0;
      const v = t * dim;
      const f = dot(inM, u, outM, v, dim);
      const g = (label - sigmoidRef(f, exact)) * lr;
      for (let d = 0; d < dim; d++) {
        const vd = outM[v + d]!;
        grad[d] = grad[d]! + g * vd;
        outM[v + d] = vd + g * inM[u + d]!;
      }
      loss -= logSigmoidRef(label === 1 ? f : -f, exact);
    }
    for (let d = 0; d < dim; d++) inM[u + d] = inM[u + d]! + grad[d]!;
  }
  return loss;
}

/**
 * The SGNS loss of one pair, −log σ(u·v_ctx) − Σ log σ(−u·v_neg), with the
 * same skipping rule as {@linkcode sgnsStepRef}, in float64.
 *
 * @param inM Input vectors.
 * @param outM Output vectors.
 * @param center Center row.
 * @param context Context row.
 * @param negs Negative rows.
 * @param dim Vector length.
 * @returns The loss.
 * @example
 * ```ts
 * import { sgnsPairLossRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * const loss = sgnsPairLossRef(Float64Array.of(0), Float64Array.of(1, 2), 0, 0, [1], 1);
 * assert.ok(Math.abs(loss - 2 * Math.log(2)) < 1e-12);
 * ```
 */
export function sgnsPairLossRef(
  inM: FloatArray,
  outM: FloatArray,
  center: number,
  context: number,
  negs: ArrayLike<number>,
  dim: number,
): number {
  let loss = -logSigmoidRef(dot(inM, center * dim, outM, context * dim, dim));
  for (let j = 0; j < negs.length; j++) {
    const t = negs[j]!;
    if (t < 0 || t === context) continue;
    loss -= logSigmoidRef(-dot(inM, center * dim, outM, t * dim, dim));
  }
  return loss;
}

/**
 * All dot products of `mat`'s rows with `query`, like `dotRowsF32`.
 *
 * @param mat Row-major matrix, rows of `dim`.
 * @param query A vector of `dim`.
 * @param rows Row count.
 * @param dim Vector length.
 * @returns One float64 dot product per row.
 * @example
 * ```ts
 * import { dotRowsRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...dotRowsRef(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 1), 2, 2)], [3, 7]);
 * ```
 */
export function dotRowsRef(
  mat: FloatArray,
  query: FloatArray,
  rows: number,
  dim: number,
): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = dot(mat, r * dim, query, 0, dim);
  return out;
}

/**
 * The top `k` of `scores` by a full sort, descending, ties by lower index,
 * like `topKDotF32` applied to precomputed scores.
 *
 * @param scores One score per row.
 * @param k How many to keep.
 * @returns Row indices and their scores, at most `min(k, rows)` of each.
 * @example
 * ```ts
 * import { topKRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(topKRef([1, 3, 3, 2], 3).indices, [1, 2, 3]);
 * ```
 */
export function topKRef(
  scores: ArrayLike<number>,
  k: number,
): { indices: number[]; scores: number[] } {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const indices = order.slice(0, Math.max(0, k));
  return { indices, scores: indices.map((i) => scores[i]!) };
}
