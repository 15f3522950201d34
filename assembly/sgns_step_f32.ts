// deno-fmt-ignore-file
// One SGD pass of skip-gram with negative sampling over a batch of pairs.
//
// Reference: word2vec.c (Mikolov et al., 2013), skip-gram branch with
// negative sampling: for each target, f = u·v, g = (label − σ(f))·lr,
// grad += g·v, v += g·u; after all targets, u += grad. Where we differ: the
// host samples negatives and passes them in; σ is interpolated from a table
// rather than looked up at the nearest entry and is clipped (not skipped)
// outside its range; the batch loss is returned.

import { axpyF32, dotF32, sgdPairUpdateF32, zeroF32 } from "./_vec";
import { logSigmoidLookup, sigmoidLookup } from "./_sigmoid";

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
    zeroF32(grad, dim);

    let v = outM + <usize>ctx * rowBytes;
    let f = dotF32(u, v, dim);
    sgdPairUpdateF32(grad, v, u, (1.0 - sigmoidLookup(sigTable, f)) * lr, dim);
    loss -= <f64>logSigmoidLookup(sigTable, f);

    for (let j: i32 = 0; j < nNeg; j++) {
      const t = load<i32>(negPtr + (<usize>j << 2));
      if (t < 0 || t == ctx) continue;
      v = outM + <usize>t * rowBytes;
      f = dotF32(u, v, dim);
      sgdPairUpdateF32(grad, v, u, -sigmoidLookup(sigTable, f) * lr, dim);
      loss -= <f64>logSigmoidLookup(sigTable, -f);
    }
    negPtr += <usize>nNeg << 2;

    axpyF32(u, 1.0, grad, dim); // u += grad
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
