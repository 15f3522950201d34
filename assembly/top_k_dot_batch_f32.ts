// deno-fmt-ignore-file
// Top-k rows by dot product for many queries at once.
//
// The matrix is streamed once per block of QUERY_BLOCK queries: each block of
// four rows is loaded from memory once and scored against every query of the
// block while it sits in cache. Each query keeps its own bounded min-heap in
// its output slots and dismisses a block of four rows with one vector compare
// once its heap is full, so results equal those of single queries bit for bit.

import { dot4ScanF32, dotScanF32 } from "./_scan";
import { heapFinish, heapOffer } from "./_heap";

/** Queries per pass over the matrix: their vectors stay in cache. */
const QUERY_BLOCK: i32 = 64;

/**
 * For each of `nQueries` queries (`queries`: `nQueries` × `dim` f32), writes
 * the `k` best rows of `mat` (`rows` × `dim` f32) to `outIdx` (i32) and
 * `outScore` (f32), both `nQueries` × `k`, exactly as `topKDotF32` would for
 * that query. Pointers need 4-byte alignment (16 is faster).
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
  for (let qb: i32 = 0; qb < nQueries; qb += QUERY_BLOCK) {
    const qe = min<i32>(qb + QUERY_BLOCK, nQueries);
    let row = mat;
    let r: i32 = 0;
    for (; r + 4 <= rows; r += 4) {
      let query = queries + <usize>qb * rowBytes;
      let hi = outIdx + <usize>qb * heapBytes;
      let hs = outScore + <usize>qb * heapBytes;
      for (let q = qb; q < qe; q++) {
        const s = dot4ScanF32(row, rowBytes, query, dim);
        if (r < n || v128.any_true(f32x4.gt(s, f32x4.splat(load<f32>(hs))))) {
          heapOffer(hi, hs, min<i32>(r, n), n, r, f32x4.extract_lane(s, 0));
          heapOffer(hi, hs, min<i32>(r + 1, n), n, r + 1, f32x4.extract_lane(s, 1));
          heapOffer(hi, hs, min<i32>(r + 2, n), n, r + 2, f32x4.extract_lane(s, 2));
          heapOffer(hi, hs, min<i32>(r + 3, n), n, r + 3, f32x4.extract_lane(s, 3));
        }
        query += rowBytes;
        hi += heapBytes;
        hs += heapBytes;
      }
      row += rowBytes << 2;
    }
    for (; r < rows; r++) {
      for (let q = qb; q < qe; q++) {
        const h = <usize>q * heapBytes;
        heapOffer(outIdx + h, outScore + h, min<i32>(r, n), n, r, dotScanF32(row, queries + <usize>q * rowBytes, dim));
      }
      row += rowBytes;
    }
    for (let q = qb; q < qe; q++) {
      const h = <usize>q * heapBytes;
      heapFinish(outIdx + h, outScore + h, n, k);
    }
  }
}
