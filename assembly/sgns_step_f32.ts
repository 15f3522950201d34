// deno-fmt-ignore-file
// One SGD pass of skip-gram with negative sampling over a batch of pairs.
//
// Reference: word2vec.c (Mikolov et al., 2013), skip-gram branch with
// negative sampling: for each target, f = u·v, g = (label − σ(f))·lr,
// grad += g·v, v += g·u; after all targets, u += grad. Where we differ: the
// host samples negatives and passes them in; σ is interpolated from a table
// rather than looked up at the nearest entry and is clipped (not skipped)
// outside its range; the batch loss is returned; and a pair's targets are
// trained in groups of up to three distinct rows. A group's dot products are
// taken in one pass (u read once for the group), then its row updates and
// its share of the gradient in a second pass, the gradient kept in registers
// when one group holds all targets and u updated in that same pass. The
// arithmetic is word2vec's: u changes only after the last target, and since
// a group never holds a row twice, each dot product sees its row as
// word2vec's one-target-at-a-time order would. The point is fewer memory
// accesses: every one carries a bounds check where the engine has no trap
// handler, reloading the memory size when the memory is shared.

import { sigmoidLookup, logSigmoidLookup } from "./_sigmoid";

/**
 * Trains `nPairs` (center, context) pairs with SGD, word2vec order.
 *
 * `inM`, `outM`: row-major f32 matrices with rows of `dim` floats.
 * `centers`, `contexts`: i32[nPairs] row indices. `negs`: i32[nPairs * nNeg];
 * a negative equal to the pair's context, or negative (-1), is skipped.
 * `grad`: scratch f32[dim]. `sigTable`: the sigmoid table (see _sigmoid.ts).
 * All pointers need 4-byte alignment; 16-byte aligned rows are faster.
 * Returns Σ [−log σ(u·v_ctx) − Σ_neg log σ(−u·v_neg)] in f64, each term
 * evaluated before that target's update.
 */
export function sgnsStepF32(
  inM: usize,
  outM: usize,
  centers: usize,
  contexts: usize,
  negs: usize,
  nPairs: i32,
  nNeg: i32,
  dim: i32,
  lr: f32,
  grad: usize,
  sigTable: usize,
): f64 {
  const rowBytes = <usize>dim << 2;
  let loss: f64 = 0.0;
  let sink: f32 = 0.0;
  let negPtr = negs;
  for (let i: i32 = 0; i < nPairs; i++) {
    const off = <usize>i << 2;
    const center = load<i32>(centers + off);
    const ctx = load<i32>(contexts + off);
    if (i + AHEAD < nPairs) {
      // Touch the rows of the next pair now, so their cache misses overlap
      // this pair's arithmetic (WebAssembly has no prefetch instruction).
      sink += touchRow(inM + <usize>load<i32>(centers + off + (AHEAD << 2)) * rowBytes, rowBytes);
      sink += touchRow(outM + <usize>load<i32>(contexts + off + (AHEAD << 2)) * rowBytes, rowBytes);
      const nextNegs = negPtr + (<usize>(nNeg * AHEAD) << 2);
      for (let j: i32 = 0; j < nNeg; j++) {
        const t = load<i32>(nextNegs + (<usize>j << 2));
        if (t >= 0) sink += touchRow(outM + <usize>t * rowBytes, rowBytes);
      }
    }
    const u = inM + <usize>center * rowBytes;
    // The context is the first target (label 1), then the kept negatives
    // (label 0). A group closes when full or when the next row is already in it.
    let r0: usize = outM + <usize>ctx * rowBytes;
    let r1: usize = 0;
    let r2: usize = 0;
    let n: i32 = 1;
    let positive = true; // whether r0 is the context
    let first = true; // whether no group of this pair has been trained yet
    for (let j: i32 = 0; j < nNeg; j++) {
      const t = load<i32>(negPtr + (<usize>j << 2));
      if (t < 0 || t == ctx) continue;
      const r = outM + <usize>t * rowBytes;
      if (n == 3 || r == r0 || (n == 2 && r == r1)) {
        loss += trainGroup(u, r0, r1, r2, n, positive, first, false, grad, dim, lr, sigTable);
        first = false;
        positive = false;
        n = 0;
      }
      if (n == 0) r0 = r;
      else if (n == 1) r1 = r;
      else r2 = r;
      n++;
    }
    loss += trainGroup(u, r0, r1, r2, n, positive, first, true, grad, dim, lr, sigTable);
    negPtr += <usize>nNeg << 2;
  }
  // The touched values only keep the loads alive; they add 0 to the loss
  // (or NaN when the weights already are NaN).
  return loss + <f64>(sink * 0.0);
}

/** How many pairs ahead rows are touched. */
const AHEAD: i32 = 1;

/** Loads one float per 64-byte cache line of a row. */
@inline function touchRow(row: usize, rowBytes: usize): f32 {
  let s: f32 = 0.0;
  for (let o: usize = 0; o < rowBytes; o += 64) s += load<f32>(row + o);
  return s;
}

/**
 * Trains one group of `n` (1–3) distinct output rows against `u`: `r0` has
 * label 1 when `positive`, every other row label 0. The group's gradient
 * share is written to `grad` (`first`), added to it, or, for the `last`
 * group, added with `grad` to `u`. Returns the group's loss.
 */
@inline function trainGroup(
  u: usize, r0: usize, r1: usize, r2: usize, n: i32, positive: bool,
  first: bool, last: bool, grad: usize, dim: i32, lr: f32, sigTable: usize,
): f64 {
  // Pass 1: the dot products, u read once.
  let f0: f32 = 0.0;
  let f1: f32 = 0.0;
  let f2: f32 = 0.0;
  const n4 = dim & ~3;
  let a0 = f32x4.splat(0.0);
  let a1 = f32x4.splat(0.0);
  let a2 = f32x4.splat(0.0);
  if (n == 3) {
    // Two chunks per step: six independent sums hide the add latency.
    let b0 = f32x4.splat(0.0);
    let b1 = f32x4.splat(0.0);
    let b2 = f32x4.splat(0.0);
    let i: i32 = 0;
    for (; i + 8 <= n4; i += 8) {
      const o = <usize>i << 2;
      const uv = v128.load(u + o);
      const uw = v128.load(u + o, 16);
      a0 = f32x4.add(a0, f32x4.mul(uv, v128.load(r0 + o)));
      a1 = f32x4.add(a1, f32x4.mul(uv, v128.load(r1 + o)));
      a2 = f32x4.add(a2, f32x4.mul(uv, v128.load(r2 + o)));
      b0 = f32x4.add(b0, f32x4.mul(uw, v128.load(r0 + o, 16)));
      b1 = f32x4.add(b1, f32x4.mul(uw, v128.load(r1 + o, 16)));
      b2 = f32x4.add(b2, f32x4.mul(uw, v128.load(r2 + o, 16)));
    }
    if (i < n4) {
      const o = <usize>i << 2;
      const uv = v128.load(u + o);
      a0 = f32x4.add(a0, f32x4.mul(uv, v128.load(r0 + o)));
      a1 = f32x4.add(a1, f32x4.mul(uv, v128.load(r1 + o)));
      a2 = f32x4.add(a2, f32x4.mul(uv, v128.load(r2 + o)));
    }
    a0 = f32x4.add(a0, b0);
    a1 = f32x4.add(a1, b1);
    a2 = f32x4.add(a2, b2);
  } else if (n == 2) {
    for (let i: i32 = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const uv = v128.load(u + o);
      a0 = f32x4.add(a0, f32x4.mul(uv, v128.load(r0 + o)));
      a1 = f32x4.add(a1, f32x4.mul(uv, v128.load(r1 + o)));
    }
  } else {
    let b0 = f32x4.splat(0.0);
    let i: i32 = 0;
    for (; i + 8 <= n4; i += 8) {
      const o = <usize>i << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(u + o), v128.load(r0 + o)));
      b0 = f32x4.add(b0, f32x4.mul(v128.load(u + o, 16), v128.load(r0 + o, 16)));
    }
    if (i < n4) {
      const o = <usize>i << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(u + o), v128.load(r0 + o)));
    }
    a0 = f32x4.add(a0, b0);
  }
  f0 = hsum(a0);
  f1 = hsum(a1);
  f2 = hsum(a2);
  for (let i: i32 = n4; i < dim; i++) {
    const o = <usize>i << 2;
    const us = load<f32>(u + o);
    f0 += us * load<f32>(r0 + o);
    if (n >= 2) f1 += us * load<f32>(r1 + o);
    if (n == 3) f2 += us * load<f32>(r2 + o);
  }

  // The coefficients and the loss, each term before its row's update.
  let loss: f64;
  let g0: f32;
  if (positive) {
    g0 = (1.0 - sigmoidLookup(sigTable, f0)) * lr;
    loss = -<f64>logSigmoidLookup(sigTable, f0);
  } else {
    g0 = -sigmoidLookup(sigTable, f0) * lr;
    loss = -<f64>logSigmoidLookup(sigTable, -f0);
  }
  let g1: f32 = 0.0;
  let g2: f32 = 0.0;
  if (n >= 2) {
    g1 = -sigmoidLookup(sigTable, f1) * lr;
    loss -= <f64>logSigmoidLookup(sigTable, -f1);
  }
  if (n == 3) {
    g2 = -sigmoidLookup(sigTable, f2) * lr;
    loss -= <f64>logSigmoidLookup(sigTable, -f2);
  }

  // Pass 2: each row v += g·u, the gradient Σ g·v (v before its update).
  const gv0 = f32x4.splat(g0);
  const gv1 = f32x4.splat(g1);
  const gv2 = f32x4.splat(g2);
  for (let i: i32 = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const uv = v128.load(u + o);
    const v0 = v128.load(r0 + o);
    let acc = f32x4.mul(gv0, v0);
    v128.store(r0 + o, f32x4.add(v0, f32x4.mul(gv0, uv)));
    if (n >= 2) {
      const v1 = v128.load(r1 + o);
      acc = f32x4.add(acc, f32x4.mul(gv1, v1));
      v128.store(r1 + o, f32x4.add(v1, f32x4.mul(gv1, uv)));
    }
    if (n == 3) {
      const v2 = v128.load(r2 + o);
      acc = f32x4.add(acc, f32x4.mul(gv2, v2));
      v128.store(r2 + o, f32x4.add(v2, f32x4.mul(gv2, uv)));
    }
    if (!first) acc = f32x4.add(v128.load(grad + o), acc);
    if (last) v128.store(u + o, f32x4.add(uv, acc));
    else v128.store(grad + o, acc);
  }
  for (let i: i32 = n4; i < dim; i++) {
    const o = <usize>i << 2;
    const us = load<f32>(u + o);
    const v0 = load<f32>(r0 + o);
    let acc = g0 * v0;
    store<f32>(r0 + o, v0 + g0 * us);
    if (n >= 2) {
      const v1 = load<f32>(r1 + o);
      acc += g1 * v1;
      store<f32>(r1 + o, v1 + g1 * us);
    }
    if (n == 3) {
      const v2 = load<f32>(r2 + o);
      acc += g2 * v2;
      store<f32>(r2 + o, v2 + g2 * us);
    }
    if (!first) acc = load<f32>(grad + o) + acc;
    if (last) store<f32>(u + o, us + acc);
    else store<f32>(grad + o, acc);
  }
  return loss;
}

/** The sum of the four lanes. */
@inline function hsum(a: v128): f32 {
  return f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1) +
    f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3);
}
