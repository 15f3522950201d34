// deno-fmt-ignore-file
// Top-k rows of an int8-quantised matrix by approximate dot product: the
// integer dot of the int8 rows (i32x4.dot_i16x8_s after widening to i16),
// times the row scale and the query scale. A quarter of the f32 memory
// traffic; exact integer sums (no overflow for dim < 130000).

import { dot4ScanI8, dotScanI8 } from "./_scan";
import { heapFinish, heapOffer } from "./_heap";

/**
 * Writes the `k` rows of `matI8` (`rows` × `dim` i8, from quantizeRowsI8)
 * with the largest `dot(row, queryI8) · scales[row] · queryScale` to
 * `outIdx` (i32[k]) and `outScore` (f32[k]), sorted descending, ties by lower
 * row, padded with -1 / -Infinity. `scales`, `outIdx` and `outScore` need
 * 4-byte alignment; the int8 data none (16 is faster). Returns min(k, rows).
 */
export function topKDotI8(
  outIdx: usize,
  outScore: usize,
  matI8: usize,
  scales: usize,
  queryI8: usize,
  queryScale: f32,
  rows: i32,
  dim: i32,
  k: i32,
): i32 {
  if (k <= 0) return 0;
  const n = min<i32>(k, max<i32>(rows, 0));
  const rowBytes = <usize>dim;
  const qs = f32x4.splat(queryScale);
  let row = matI8;
  let r: i32 = 0;
  for (; r + 4 <= rows; r += 4) {
    const dots = f32x4.convert_i32x4_s(dot4ScanI8(row, rowBytes, queryI8, dim));
    const s = f32x4.mul(f32x4.mul(dots, v128.load(scales + (<usize>r << 2))), qs);
    if (r < n || v128.any_true(f32x4.gt(s, f32x4.splat(load<f32>(outScore))))) {
      heapOffer(outIdx, outScore, min<i32>(r, n), n, r, f32x4.extract_lane(s, 0));
      heapOffer(outIdx, outScore, min<i32>(r + 1, n), n, r + 1, f32x4.extract_lane(s, 1));
      heapOffer(outIdx, outScore, min<i32>(r + 2, n), n, r + 2, f32x4.extract_lane(s, 2));
      heapOffer(outIdx, outScore, min<i32>(r + 3, n), n, r + 3, f32x4.extract_lane(s, 3));
    }
    row += rowBytes << 2;
  }
  for (; r < rows; r++) {
    const s = <f32>dotScanI8(row, queryI8, dim) * load<f32>(scales + (<usize>r << 2)) * queryScale;
    heapOffer(outIdx, outScore, min<i32>(r, n), n, r, s);
    row += rowBytes;
  }
  heapFinish(outIdx, outScore, n, k);
  return n;
}
