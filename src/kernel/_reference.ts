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

/**
 * The scores `topKDotI8` ranks by: for each row, the exact integer dot of the
 * int8 row with the int8 query, times the row's scale, times the query scale,
 * each product rounded to f32.
 *
 * @param matI8 Row-major int8 codes, rows of `dim`.
 * @param scales One scale per row.
 * @param queryI8 The query's `dim` int8 codes.
 * @param queryScale The query's scale.
 * @param rows Row count.
 * @param dim Vector length.
 * @returns One f32 score per row.
 * @example
 * ```ts
 * import { dotRowsI8Ref } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * const scores = dotRowsI8Ref(Int8Array.of(1, 2, -3, 4), Float32Array.of(0.5, 1), Int8Array.of(2, 1), 0.25, 2, 2);
 * assert.deepEqual([...scores], [0.5, -0.5]);
 * ```
 */
export function dotRowsI8Ref(
  matI8: Int8Array,
  scales: Float32Array,
  queryI8: Int8Array,
  queryScale: number,
  rows: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += matI8[r * dim + d]! * queryI8[d]!;
    out[r] = Math.fround(
      Math.fround(Math.fround(dot) * scales[r]!) * Math.fround(queryScale),
    );
  }
  return out;
}

/** Adam hyper-parameters of {@linkcode sgnsStepAdamRef}. */
export interface AdamRefState {
  /** First moments, shaped like `inM`. */
  mIn: FloatArray;
  /** Second moments, shaped like `inM`. */
  vIn: FloatArray;
  /** First moments, shaped like `outM`. */
  mOut: FloatArray;
  /** Second moments, shaped like `outM`. */
  vOut: FloatArray;
  /** Step count per input row. */
  tIn: Int32Array;
  /** Step count per output row. */
  tOut: Int32Array;
}

function adamRow(
  w: FloatArray,
  m: FloatArray,
  v: FloatArray,
  at: number,
  grad: (d: number) => number,
  dim: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  step: number,
): void {
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  for (let d = 0; d < dim; d++) {
    const g = grad(d);
    const mm = beta1 * m[at + d]! + (1 - beta1) * g;
    const vv = beta2 * v[at + d]! + (1 - beta2) * g * g;
    m[at + d] = mm;
    v[at + d] = vv;
    w[at + d] = w[at + d]! - lr * (mm / bc1) / (Math.sqrt(vv / bc2) + eps);
  }
}

/**
 * Adam over a batch of skip-gram pairs, like `sgnsStepAdamF32`: per-row
 * moments and step counts; each output row is updated when visited (after
 * its contribution to the center's gradient is taken), the center row at the
 * end of its pair.
 *
 * @param inM Input vectors.
 * @param outM Output vectors.
 * @param state Moments and step counts, updated in place.
 * @param centers Center row per pair.
 * @param contexts Context row per pair.
 * @param negs `nNeg` negative rows per pair (-1 and the context skipped).
 * @param nNeg Negatives per pair.
 * @param dim Vector length.
 * @param lr Learning rate.
 * @param beta1 First-moment decay.
 * @param beta2 Second-moment decay.
 * @param eps Denominator guard.
 * @param exact Exact σ (default) or the kernel's table.
 * @returns The summed loss before each target's update.
 * @example
 * ```ts
 * import { sgnsStepAdamRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * const state = {
 *   mIn: new Float32Array(1), vIn: new Float32Array(1),
 *   mOut: new Float32Array(1), vOut: new Float32Array(1),
 *   tIn: new Int32Array(1), tOut: new Int32Array(1),
 * };
 * const inM = Float32Array.of(0);
 * const outM = Float32Array.of(1);
 * sgnsStepAdamRef(inM, outM, state, Int32Array.of(0), Int32Array.of(0), new Int32Array(0), 0, 1, 0.1, 0.9, 0.999, 1e-8);
 * // The first Adam step moves a row by about lr against its gradient's sign.
 * assert.ok(Math.abs(inM[0]! - 0.1) < 1e-6);
 * assert.deepEqual([...state.tIn], [1]);
 * ```
 */
export function sgnsStepAdamRef(
  inM: FloatArray,
  outM: FloatArray,
  state: AdamRefState,
  centers: Int32Array,
  contexts: Int32Array,
  negs: Int32Array,
  nNeg: number,
  dim: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  exact = true,
): number {
  let loss = 0;
  const gradIn = new Float64Array(dim);
  for (let i = 0; i < centers.length; i++) {
    const c = centers[i]!;
    const u = c * dim;
    const ctx = contexts[i]!;
    gradIn.fill(0);
    for (let j = -1; j < nNeg; j++) {
      const t = j < 0 ? ctx : negs[i * nNeg + j]!;
      if (j >= 0 && (t < 0 || t === ctx)) continue;
      const label = j < 0 ? 1 : 0;
      const v = t * dim;
      const f = dot(inM, u, outM, v, dim);
      const e = sigmoidRef(f, exact) - label;
      loss -= logSigmoidRef(label === 1 ? f : -f, exact);
      for (let d = 0; d < dim; d++) gradIn[d] = gradIn[d]! + e * outM[v + d]!;
      state.tOut[t] = state.tOut[t]! + 1;
      adamRow(
        outM,
        state.mOut,
        state.vOut,
        v,
        (d) => e * inM[u + d]!,
        dim,
        lr,
        beta1,
        beta2,
        eps,
        state.tOut[t]!,
      );
    }
    state.tIn[c] = state.tIn[c]! + 1;
    adamRow(
      inM,
      state.mIn,
      state.vIn,
      u,
      (d) => gradIn[d]!,
      dim,
      lr,
      beta1,
      beta2,
      eps,
      state.tIn[c]!,
    );
  }
  return loss;
}

/**
 * L2-normalised copy of each row, like `normalizeRowsF32`; zero rows stay zero.
 *
 * @param src Row-major matrix, rows of `dim`.
 * @param rows Row count.
 * @param dim Vector length.
 * @returns The normalised rows.
 * @example
 * ```ts
 * import { normalizeRowsRef } from "./_reference.ts";
 * import assert from "node:assert/strict";
 *
 * const unit = normalizeRowsRef(Float32Array.of(3, 4, 0, 0), 2, 2);
 * assert.ok(Math.abs(unit[0]! - 0.6) < 1e-12 && Math.abs(unit[1]! - 0.8) < 1e-12);
 * assert.deepEqual([...unit.subarray(2)], [0, 0]);
 * ```
 */
export function normalizeRowsRef(
  src: FloatArray,
  rows: number,
  dim: number,
): Float64Array {
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const norm = Math.sqrt(dot(src, r * dim, src, r * dim, dim));
    const scale = norm > 0 ? 1 / norm : 0;
    for (let d = 0; d < dim; d++) out[r * dim + d] = src[r * dim + d]! * scale;
  }
  return out;
}
