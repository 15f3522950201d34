// deno-fmt-ignore-file
// Top-k rows of an int8-quantised matrix by approximate dot product: the
// integer dot of the int8 rows, times the row scale and the query scale. A
// quarter of the f32 memory traffic; exact integer sums (no overflow for
// dim < 130000).
//
// The query is split into its positive part and its negated negative part,
// both in [0, 127], so each takes one i32x4.relaxed_dot_i8x16_i7x16_add_s per
// 16 bytes of a row and every implementation returns the exact sum. A query
// holding -128 is scored with the widening dot (dot4ScanI8) instead.

import { dot4ScanI8, dotScanI8, finishDot4I8 } from "./_scan";
import { heapFinish, heapOffer } from "./_heap";

/**
 * Integer dot products of four consecutive int8 rows with a query that holds
 * no -128, as one i32x4.
 */
@inline function dot4SplitI8(row: usize, rowBytes: usize, query: usize, dim: i32): v128 {
  const r1 = row + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  let p0 = i32x4.splat(0);
  let p1 = i32x4.splat(0);
  let p2 = i32x4.splat(0);
  let p3 = i32x4.splat(0);
  let m0 = i32x4.splat(0);
  let m1 = i32x4.splat(0);
  let m2 = i32x4.splat(0);
  let m3 = i32x4.splat(0);
  const zero = i8x16.splat(0);
  let i: i32 = 0;
  const n16 = dim & ~15;
  for (; i < n16; i += 16) {
    const o = <usize>i;
    const q = v128.load(query + o);
    const qp = i8x16.max_s(q, zero);
    const qm = i8x16.max_s(i8x16.neg(q), zero);
    let x = v128.load(row + o);
    p0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qp, p0);
    m0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qm, m0);
    x = v128.load(r1 + o);
    p1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qp, p1);
    m1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qm, m1);
    x = v128.load(r2 + o);
    p2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qp, p2);
    m2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qm, m2);
    x = v128.load(r3 + o);
    p3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qp, p3);
    m3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qm, m3);
  }
  return finishDot4I8(
    i32x4.sub(p0, m0), i32x4.sub(p1, m1), i32x4.sub(p2, m2), i32x4.sub(p3, m3),
    row, rowBytes, query, i, dim,
  );
}

/** Whether any of the `dim` bytes at `p` is -128. */
function hasMinI8(p: usize, dim: i32): bool {
  for (let i: i32 = 0; i < dim; i++) if (load<i8>(p + <usize>i) == -128) return true;
  return false;
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
  const rowBytes = <usize>max<i32>(dim, 0);
  const qs = f32x4.splat(queryScale);
  const split = !hasMinI8(queryI8, dim);
  let row = matI8;
  let r: i32 = 0;
  for (; r + 4 <= rows; r += 4) {
    const dots = f32x4.convert_i32x4_s(
      split ? dot4SplitI8(row, rowBytes, queryI8, dim) : dot4ScanI8(row, rowBytes, queryI8, dim),
    );
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
