// deno-fmt-ignore-file
// Top-k rows of a matrix by dot product with one query.
//
// A bounded min-heap of k entries, kept in the output buffers, scans the rows
// once: O(rows · dim + rows · log k), no full sort.

import { dotF32 } from "./_vec";
import { heapFinish, heapOffer } from "./_heap";

/**
 * Writes the `k` rows of `mat` (`rows` × `dim` f32) with the largest dot
 * product with `query` (f32[dim]) to `outIdx` (i32[k]) and `outScore`
 * (f32[k]), sorted descending, ties by lower row index; slots past
 * min(k, rows) get index -1 and score -Infinity. Rows scoring NaN rank
 * unpredictably. All pointers need 4-byte alignment. Returns min(k, rows).
 */
export function topKDotF32(
  outIdx: usize,
  outScore: usize,
  mat: usize,
  query: usize,
  rows: i32,
  dim: i32,
  k: i32,
): i32 {
  if (k <= 0) return 0;
  const n = min<i32>(k, max<i32>(rows, 0));
  const rowBytes = <usize>dim << 2;
  let row = mat;
  for (let r: i32 = 0; r < rows; r++) {
    heapOffer(outIdx, outScore, min<i32>(r, n), n, r, dotF32(row, query, dim));
    row += rowBytes;
  }
  heapFinish(outIdx, outScore, n, k);
  return n;
}
