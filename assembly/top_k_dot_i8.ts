// deno-fmt-ignore-file
// Top-k rows of an int8-quantised matrix by approximate dot product: the
// integer dot of the int8 rows (i32x4.dot_i16x8_s after widening to i16),
// times the row scale and the query scale. A quarter of the f32 memory
// traffic; exact integer sums (no overflow for dim < 130000).

import { heapFinish, heapOffer } from "./_heap";

@inline function dotI8(a: usize, b: usize, dim: i32): i32 {
  let acc = i32x4.splat(0);
  let i: i32 = 0;
  const n16 = dim & ~15;
  for (; i < n16; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_s(y)));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_s(y)));
  }
  let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) +
    i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < dim; i++) s += <i32>load<i8>(a + <usize>i) * <i32>load<i8>(b + <usize>i);
  return s;
}

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
  let row = matI8;
  for (let r: i32 = 0; r < rows; r++) {
    const s = <f32>dotI8(row, queryI8, dim) * load<f32>(scales + (<usize>r << 2)) * queryScale;
    heapOffer(outIdx, outScore, min<i32>(r, n), n, r, s);
    row += <usize>dim;
  }
  heapFinish(outIdx, outScore, n, k);
  return n;
}
