// deno-fmt-ignore-file
// Inline dot products for the similarity scans. Every scan (dotRowsF32,
// topKDotF32, topKDotBatchF32) sums in one order — one f32x4 accumulator over
// the row, lanes added as (l0 + l2) + (l1 + l3), then the scalar tail in
// order — so a score is bit-identical whichever scan computed it. Four rows
// at a time share each query load and reduce to one v128 of four scores.

/** (l0 + l2) + (l1 + l3) of an f32x4. */
@inline export function hsumScanF32(a: v128): f32 {
  const h = f32x4.add(a, v128.shuffle<f32>(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(h, 0) + f32x4.extract_lane(h, 1);
}

/** Dot product of one row with the query, in the scan order. */
@inline export function dotScanF32(row: usize, query: usize, dim: i32): f32 {
  let acc = f32x4.splat(0.0);
  let i: i32 = 0;
  const n4 = dim & ~3;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(row + o), v128.load(query + o)));
  }
  let s = hsumScanF32(acc);
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    s += load<f32>(row + o) * load<f32>(query + o);
  }
  return s;
}

/**
 * Dot products of the four consecutive rows at `row` (`rowBytes` apart) with
 * the query, as one f32x4, each lane equal to dotScanF32 of its row.
 */
@inline export function dot4ScanF32(row: usize, rowBytes: usize, query: usize, dim: i32): v128 {
  const r1 = row + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  let a0 = f32x4.splat(0.0);
  let a1 = f32x4.splat(0.0);
  let a2 = f32x4.splat(0.0);
  let a3 = f32x4.splat(0.0);
  let i: i32 = 0;
  const n4 = dim & ~3;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const q = v128.load(query + o);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(row + o), q));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(r1 + o), q));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(r2 + o), q));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(r3 + o), q));
  }
  // Transpose-add: lane j of the result is (aj.0 + aj.2) + (aj.1 + aj.3).
  const s01 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 1, 4, 5), v128.shuffle<f32>(a0, a1, 2, 3, 6, 7));
  const s23 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 1, 4, 5), v128.shuffle<f32>(a2, a3, 2, 3, 6, 7));
  let s = f32x4.add(v128.shuffle<f32>(s01, s23, 0, 2, 4, 6), v128.shuffle<f32>(s01, s23, 1, 3, 5, 7));
  if (i < dim) {
    let t0 = f32x4.extract_lane(s, 0);
    let t1 = f32x4.extract_lane(s, 1);
    let t2 = f32x4.extract_lane(s, 2);
    let t3 = f32x4.extract_lane(s, 3);
    for (; i < dim; i++) {
      const o = <usize>i << 2;
      const q = load<f32>(query + o);
      t0 += load<f32>(row + o) * q;
      t1 += load<f32>(r1 + o) * q;
      t2 += load<f32>(r2 + o) * q;
      t3 += load<f32>(r3 + o) * q;
    }
    s = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(s, 0, t0), 1, t1), 2, t2), 3, t3);
  }
  return s;
}

/** Integer dot product of two int8 rows. */
@inline export function dotScanI8(a: usize, b: usize, dim: i32): i32 {
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

/** Integer dot products of four consecutive int8 rows with the query, as one i32x4. */
@inline export function dot4ScanI8(row: usize, rowBytes: usize, query: usize, dim: i32): v128 {
  const r1 = row + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  let a0 = i32x4.splat(0);
  let a1 = i32x4.splat(0);
  let a2 = i32x4.splat(0);
  let a3 = i32x4.splat(0);
  let i: i32 = 0;
  const n16 = dim & ~15;
  for (; i < n16; i += 16) {
    const o = <usize>i;
    const q = v128.load(query + o);
    const ql = i16x8.extend_low_i8x16_s(q);
    const qh = i16x8.extend_high_i8x16_s(q);
    let x = v128.load(row + o);
    a0 = i32x4.add(a0, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), ql), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), qh)));
    x = v128.load(r1 + o);
    a1 = i32x4.add(a1, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), ql), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), qh)));
    x = v128.load(r2 + o);
    a2 = i32x4.add(a2, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), ql), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), qh)));
    x = v128.load(r3 + o);
    a3 = i32x4.add(a3, i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(x), ql), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(x), qh)));
  }
  return finishDot4I8(a0, a1, a2, a3, row, rowBytes, query, i, dim);
}

/**
 * The end of a four-row int8 dot: lane j of the result is the sum of the
 * lanes of `aj` plus row j's scalar tail from dimension `i` on.
 */
@inline export function finishDot4I8(
  a0: v128, a1: v128, a2: v128, a3: v128,
  row: usize, rowBytes: usize, query: usize, i: i32, dim: i32,
): v128 {
  const r1 = row + rowBytes;
  const r2 = r1 + rowBytes;
  const r3 = r2 + rowBytes;
  const s01 = i32x4.add(v128.shuffle<i32>(a0, a1, 0, 1, 4, 5), v128.shuffle<i32>(a0, a1, 2, 3, 6, 7));
  const s23 = i32x4.add(v128.shuffle<i32>(a2, a3, 0, 1, 4, 5), v128.shuffle<i32>(a2, a3, 2, 3, 6, 7));
  let s = i32x4.add(v128.shuffle<i32>(s01, s23, 0, 2, 4, 6), v128.shuffle<i32>(s01, s23, 1, 3, 5, 7));
  if (i < dim) {
    let t0 = i32x4.extract_lane(s, 0);
    let t1 = i32x4.extract_lane(s, 1);
    let t2 = i32x4.extract_lane(s, 2);
    let t3 = i32x4.extract_lane(s, 3);
    for (; i < dim; i++) {
      const q = <i32>load<i8>(query + <usize>i);
      t0 += <i32>load<i8>(row + <usize>i) * q;
      t1 += <i32>load<i8>(r1 + <usize>i) * q;
      t2 += <i32>load<i8>(r2 + <usize>i) * q;
      t3 += <i32>load<i8>(r3 + <usize>i) * q;
    }
    s = i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(s, 0, t0), 1, t1), 2, t2), 3, t3);
  }
  return s;
}
