// deno-fmt-ignore-file
// Top-k rows of a matrix by dot product with one query.
//
// A bounded min-heap of k entries, kept in the output buffers, scans the rows
// once: O(rows · dim + rows · log k), no full sort. Rows are scored four at a
// time; once the heap is full, a block whose four scores all fall at or below
// the heap's worst entry is dismissed with one vector compare.

import { dot4ScanF32, dotScanF32 } from "./_scan";
import { heapFinish, heapOffer } from "./_heap";

/**
 * Writes the `k` rows of `mat` (`rows` × `dim` f32) with the largest dot
 * product with `query` (f32[dim]) to `outIdx` (i32[k]) and `outScore`
 * (f32[k]), sorted descending, ties by lower row index; slots past
 * min(k, rows) get index -1 and score -Infinity. Rows scoring NaN rank
 * unpredictably. All pointers need 4-byte alignment (16 is faster). Returns
 * min(k, rows).
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
  let r: i32 = 0;
  for (; r + 4 <= rows; r += 4) {
    const s = dot4ScanF32(row, rowBytes, query, dim);
    if (r < n || v128.any_true(f32x4.gt(s, f32x4.splat(load<f32>(outScore))))) {
      heapOffer(outIdx, outScore, min<i32>(r, n), n, r, f32x4.extract_lane(s, 0));
      heapOffer(outIdx, outScore, min<i32>(r + 1, n), n, r + 1, f32x4.extract_lane(s, 1));
      heapOffer(outIdx, outScore, min<i32>(r + 2, n), n, r + 2, f32x4.extract_lane(s, 2));
      heapOffer(outIdx, outScore, min<i32>(r + 3, n), n, r + 3, f32x4.extract_lane(s, 3));
    }
    row += rowBytes << 2;
  }
  for (; r < rows; r++) {
    heapOffer(outIdx, outScore, min<i32>(r, n), n, r, dotScanF32(row, query, dim));
    row += rowBytes;
  }
  heapFinish(outIdx, outScore, n, k);
  return n;
}
