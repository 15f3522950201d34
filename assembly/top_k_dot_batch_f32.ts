// deno-fmt-ignore-file
// Top-k rows by dot product for many queries at once.
//
// The matrix is streamed once per block of QUERY_BLOCK queries (rows outside,
// queries inside), and each row pass scores 4 queries together so one row
// load feeds 4 accumulators, the register blocking of a matrix multiply.
// Each query keeps its own bounded min-heap in its output slots, as in
// topKDotF32, so results equal those of single queries.

import { dotF32 } from "./_vec";
import { heapFinish, heapOffer } from "./_heap";

/** Queries per pass over the matrix: 32 × dim floats stay in cache. */
const QUERY_BLOCK: i32 = 32;

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) +
    f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * For each of `nQueries` queries (`queries`: `nQueries` × `dim` f32), writes
 * the `k` best rows of `mat` (`rows` × `dim` f32) to `outIdx` (i32) and
 * `outScore` (f32), both `nQueries` × `k`, exactly as `topKDotF32` would for
 * that query. Pointers need 4-byte alignment.
 */
export function topKDotBatchF32(
  outIdx: usize,
  outScore: usize,
  mat: usize,
  queries: usize,
  nQueries: i32,
  rows: i32,
  dim: i32,
  k: i32,
): void {
  if (k <= 0) return;
  const n = min<i32>(k, max<i32>(rows, 0));
  const rowBytes = <usize>dim << 2;
  const heapBytes = <usize>k << 2;
  const n8 = dim & ~7;
  for (let qb: i32 = 0; qb < nQueries; qb += QUERY_BLOCK) {
    const qe = min<i32>(qb + QUERY_BLOCK, nQueries);
    let row = mat;
    for (let r: i32 = 0; r < rows; r++) {
      const size = min<i32>(r, n);
      let q = qb;
      for (; q + 4 <= qe; q += 4) {
        const q0 = queries + <usize>q * rowBytes;
        const q1 = q0 + rowBytes;
        const q2 = q1 + rowBytes;
        const q3 = q2 + rowBytes;
        // Same summation order as dotF32, so scores match topKDotF32 bit for bit.
        let a0 = f32x4.splat(0.0);
        let a1 = f32x4.splat(0.0);
        let a2 = f32x4.splat(0.0);
        let a3 = f32x4.splat(0.0);
        let b0 = f32x4.splat(0.0);
        let b1 = f32x4.splat(0.0);
        let b2 = f32x4.splat(0.0);
        let b3 = f32x4.splat(0.0);
        let i: i32 = 0;
        for (; i < n8; i += 8) {
          const o = <usize>i << 2;
          const x = v128.load(row + o);
          const y = v128.load(row + o, 16);
          a0 = f32x4.add(a0, f32x4.mul(x, v128.load(q0 + o)));
          b0 = f32x4.add(b0, f32x4.mul(y, v128.load(q0 + o, 16)));
          a1 = f32x4.add(a1, f32x4.mul(x, v128.load(q1 + o)));
          b1 = f32x4.add(b1, f32x4.mul(y, v128.load(q1 + o, 16)));
          a2 = f32x4.add(a2, f32x4.mul(x, v128.load(q2 + o)));
          b2 = f32x4.add(b2, f32x4.mul(y, v128.load(q2 + o, 16)));
          a3 = f32x4.add(a3, f32x4.mul(x, v128.load(q3 + o)));
          b3 = f32x4.add(b3, f32x4.mul(y, v128.load(q3 + o, 16)));
        }
        if (i + 4 <= dim) {
          const o = <usize>i << 2;
          const x = v128.load(row + o);
          a0 = f32x4.add(a0, f32x4.mul(x, v128.load(q0 + o)));
          a1 = f32x4.add(a1, f32x4.mul(x, v128.load(q1 + o)));
          a2 = f32x4.add(a2, f32x4.mul(x, v128.load(q2 + o)));
          a3 = f32x4.add(a3, f32x4.mul(x, v128.load(q3 + o)));
          i += 4;
        }
        a0 = f32x4.add(a0, b0);
        a1 = f32x4.add(a1, b1);
        a2 = f32x4.add(a2, b2);
        a3 = f32x4.add(a3, b3);
        let s0 = hsum(a0);
        let s1 = hsum(a1);
        let s2 = hsum(a2);
        let s3 = hsum(a3);
        for (; i < dim; i++) {
          const o = <usize>i << 2;
          const x = load<f32>(row + o);
          s0 += x * load<f32>(q0 + o);
          s1 += x * load<f32>(q1 + o);
          s2 += x * load<f32>(q2 + o);
          s3 += x * load<f32>(q3 + o);
        }
        const h = <usize>q * heapBytes;
        heapOffer(outIdx + h, outScore + h, size, n, r, s0);
        heapOffer(outIdx + h + heapBytes, outScore + h + heapBytes, size, n, r, s1);
        heapOffer(outIdx + h + 2 * heapBytes, outScore + h + 2 * heapBytes, size, n, r, s2);
        heapOffer(outIdx + h + 3 * heapBytes, outScore + h + 3 * heapBytes, size, n, r, s3);
      }
      for (; q < qe; q++) {
        const h = <usize>q * heapBytes;
        const s = dotF32(row, queries + <usize>q * rowBytes, dim);
        heapOffer(outIdx + h, outScore + h, size, n, r, s);
      }
      row += rowBytes;
    }
    for (let q = qb; q < qe; q++) {
      const h = <usize>q * heapBytes;
      heapFinish(outIdx + h, outScore + h, n, k);
    }
  }
}
