// deno-fmt-ignore-file
// One Adam pass of skip-gram with negative sampling over a batch of pairs.
//
// Reference: the SGNS objective of word2vec (Mikolov et al., 2013) optimised
// with Adam (Kingma and Ba, 2015). Where we differ from dense Adam: state is
// per row and lazy, as in sparse Adam: each row keeps its own moments and its
// own i32 step count, used for its bias correction, and only rows a pair
// touches are updated. An output row is updated when it is visited (after
// its gradient with respect to the center is taken); the center row at the
// end of its pair, with the gradient summed over the pair's targets.

import { axpyF32, dotF32, zeroF32 } from "./_vec";
import { logSigmoidLookup, sigmoidLookup } from "./_sigmoid";
import { adamRowF32 } from "./_adam";

/**
 * Trains `nPairs` pairs with Adam. `inM`/`outM`: row-major f32, rows of
 * `dim`. `mIn`, `vIn` (like `inM`) and `mOut`, `vOut` (like `outM`): first
 * and second moments. `tIn`, `tOut`: i32 step count per row, incremented
 * here. `centers`, `contexts`: i32[nPairs]; `negs`: i32[nPairs * nNeg],
 * skipping -1 and the context. `gradIn`: scratch f32[dim]. All pointers
 * need 4-byte alignment. Returns the summed loss, as `sgnsStepF32`.
 */
export function sgnsStepAdamF32(
  inM: usize,
  outM: usize,
  mIn: usize,
  vIn: usize,
  mOut: usize,
  vOut: usize,
  tIn: usize,
  tOut: usize,
  centers: usize,
  contexts: usize,
  negs: usize,
  nPairs: i32,
  nNeg: i32,
  dim: i32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  gradIn: usize,
  sigTable: usize,
): f64 {
  const rowBytes = <usize>dim << 2;
  let loss: f64 = 0.0;
  let negPtr = negs;
  for (let i: i32 = 0; i < nPairs; i++) {
    const off = <usize>i << 2;
    const center = load<i32>(centers + off);
    const ctx = load<i32>(contexts + off);
    const cOff = <usize>center * rowBytes;
    const u = inM + cOff;
    zeroF32(gradIn, dim);
    for (let j: i32 = -1; j < nNeg; j++) {
      let t = ctx;
      if (j >= 0) {
        t = load<i32>(negPtr + (<usize>j << 2));
        if (t < 0 || t == ctx) continue;
      }
      const tOff = <usize>t * rowBytes;
      const v = outM + tOff;
      const f = dotF32(u, v, dim);
      let e: f32;
      if (j < 0) {
        e = sigmoidLookup(sigTable, f) - <f32>1.0;
        loss -= <f64>logSigmoidLookup(sigTable, f);
      } else {
        e = sigmoidLookup(sigTable, f);
        loss -= <f64>logSigmoidLookup(sigTable, -f);
      }
      axpyF32(gradIn, e, v, dim); // ∂loss/∂u, with v before its update
      const stepPtr = tOut + (<usize>t << 2);
      const step = load<i32>(stepPtr) + 1;
      store<i32>(stepPtr, step);
      adamRowF32(v, mOut + tOff, vOut + tOff, u, e, dim, lr, beta1, beta2, eps, step);
    }
    negPtr += <usize>nNeg << 2;
    const stepPtr = tIn + (<usize>center << 2);
    const step = load<i32>(stepPtr) + 1;
    store<i32>(stepPtr, step);
    adamRowF32(u, mIn + cOff, vIn + cOff, gradIn, 1.0, dim, lr, beta1, beta2, eps, step);
  }
  return loss;
}
