// deno-fmt-ignore-file
// Top-k rows by dot product for many queries at once.
//
// With a scratch area (scanScratchBytes) the matrix is read in tiles that
// stay in L1: each tile is quantised to int8 with one scale, and every query,
// quantised to 8 bits, is run over it with the tiled int8 pass of _tile.ts,
// which skips a (row, query) pair when an upper bound of its exact score is
// below the query's current k-th best. The pairs left are scored exactly with
// dotScanF32, the order every f32 scan uses, and offered to the query's heap
// in row order, so results equal those of one topKDotF32 per query bit for
// bit: a skipped row could only have been refused.
//
// The bound (x a row, q a query, D = dim): with x = s·x̂ + e_x (tile scale s,
// |e_x| ≤ (1/2 + 2⁻¹⁰)·s) and q = s_q·q8 + e_q (|e_q| ≤ (1/2 + 2⁻¹⁰)·s_q),
//   x·q − s·s_q·Σx̂q8 = s·Σx̂e_q + Σe_x·q,
// bounded by (1/2 + 2⁻¹⁰)·s·(s_q·Σ|x̂| + Σ|q|); rounding of the f32 score
// adds at most (D + 4)·2⁻¹⁵·s·Σ|q| (four times the worst case of any
// summation order, with mul-then-add or fused). Thresholds are computed in
// f64 from these bounds. A tile or query whose largest magnitude is outside
// [2⁻¹⁰⁰, 2¹⁰⁰] (zero, tiny, huge, infinite, NaN) is not pruned: its pairs
// are all scored exactly.
//
// Without a scratch area the matrix is streamed once per block of
// QUERY_BLOCK queries, each block of four rows scored against every query of
// the block while it is in cache (dot4ScanF32).

import { dot4ScanF32, dotScanF32 } from "./_scan";
import { heapFinish, heapOffer } from "./_heap";
import {
  BLOCK_ROWS, MAX_TILED_DIM, TAU_ALL, TAU_SKIP, blockCandidates, clampTau, clearRow, lyChunk, lyCodes, lyD4, lyInit, lyL1, lyRow,
  lyScale, lyTau, lyTile, lyTileRows, padCodes, placeRow, putCode, scratchLayout, tileL1Max,
} from "./_tile";

/** Queries per pass over the matrix without scratch: their vectors stay in cache. */
const QUERY_BLOCK: i32 = 64;
/** Smallest and largest magnitude a pruned tile or query may have. */
const TINY: f32 = 7.888609052210118e-31; // 2^-100
const HUGE: f32 = 1.2676506002282294e30; // 2^100

/**
 * For each of `nQueries` queries (`queries`: `nQueries` × `dim` f32), writes
 * the `k` best rows of `mat` (`rows` × `dim` f32) to `outIdx` (i32) and
 * `outScore` (f32), both `nQueries` × `k`, exactly as `topKDotF32` would for
 * that query. `scratch` is an area of `scanScratchBytes(nQueries, dim)`
 * bytes, or 0 for the slower scan without one. Pointers need 4-byte
 * alignment (16 is faster).
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
  scratch: usize,
): void {
  if (k <= 0 || nQueries <= 0) return;
  const n = min<i32>(k, max<i32>(rows, 0));
  const heapBytes = <usize>k << 2;
  if (scratch == 0 || dim <= 0 || dim > MAX_TILED_DIM || rows <= 0) {
    scanRows(outIdx, outScore, mat, queries, nQueries, 0, max<i32>(rows, 0), n, dim, k);
  } else {
    scratchLayout(scratch, nQueries, dim);
    const rowBytes = <usize>dim << 2;
    for (let c0: i32 = 0; c0 < nQueries; c0 += lyChunk) {
      const qn = min<i32>(lyChunk, nQueries - c0);
      const ci = outIdx + <usize>c0 * heapBytes;
      const cs = outScore + <usize>c0 * heapBytes;
      const cq = queries + <usize>c0 * rowBytes;
      prepareQueries(cq, qn, dim);
      for (let t0: i32 = 0; t0 < rows; t0 += lyTileRows) {
        const tn = min<i32>(lyTileRows, rows - t0);
        const scale = packTile(mat + <usize>t0 * rowBytes, tn, dim);
        if (scale > 0) scanTile(ci, cs, mat, cq, qn, t0, tn, n, dim, k, scale, tileL1Max);
        else scanRows(ci, cs, mat, cq, qn, t0, t0 + tn, n, dim, k);
      }
    }
  }
  for (let q: i32 = 0; q < nQueries; q++) {
    const h = <usize>q * heapBytes;
    heapFinish(outIdx + h, outScore + h, n, k);
  }
}

/** Offers rows r0..r1-1 to the heaps of `nQueries` queries, scoring every pair. */
function scanRows(
  outIdx: usize, outScore: usize, mat: usize, queries: usize, nQueries: i32,
  r0: i32, r1: i32, n: i32, dim: i32, k: i32,
): void {
  const rowBytes = <usize>dim << 2;
  const heapBytes = <usize>k << 2;
  for (let qb: i32 = 0; qb < nQueries; qb += QUERY_BLOCK) {
    const qe = min<i32>(qb + QUERY_BLOCK, nQueries);
    let row = mat + <usize>r0 * rowBytes;
    let r = r0;
    for (; r + 4 <= r1; r += 4) {
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
    for (; r < r1; r++) {
      for (let q = qb; q < qe; q++) {
        const h = <usize>q * heapBytes;
        heapOffer(outIdx + h, outScore + h, min<i32>(r, n), n, r, dotScanF32(row, queries + <usize>q * rowBytes, dim));
      }
      row += rowBytes;
    }
  }
}

/** Whether a largest magnitude allows pruning (false for NaN). */
@inline function prunable(m: f32): bool {
  return m >= TINY && m <= HUGE;
}

/** Codes, scales and L1 norms of the chunk's `qn` queries; padding lanes get scale 0. */
function prepareQueries(cq: usize, qn: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  const lanes = (qn + 7) & ~7;
  for (let qi: i32 = 0; qi < lanes; qi++) {
    let scale: f32 = 0;
    let l1: f64 = 0;
    if (qi < qn) {
      const q = cq + <usize>qi * rowBytes;
      let m: f32 = 0;
      for (let d: i32 = 0; d < dim; d++) {
        const v = Mathf.abs(load<f32>(q + (<usize>d << 2)));
        m = max<f32>(m, v);
        l1 += <f64>v;
      }
      if (prunable(m)) {
        const inv: f32 = <f32>127.0 / m;
        for (let d: i32 = 0; d < dim; d++) {
          const c = <i32>nearest<f32>(load<f32>(q + (<usize>d << 2)) * inv);
          putCode(qi, d, min<i32>(127, max<i32>(-127, c)));
        }
        padCodes(qi, dim);
        scale = m / <f32>127.0;
      }
    }
    if (scale == 0) padCodes(qi, 0);
    store<f32>(lyScale + (<usize>qi << 2), scale);
    store<f64>(lyL1 + (<usize>qi << 3), l1);
  }
}

/**
 * Quantises `tn` rows at `src` with one scale into the packed tile; returns
 * the scale (largest magnitude / 127), or 0 when the tile is not prunable.
 * Sets tileL1Max.
 */
function packTile(src: usize, tn: i32, dim: i32): f32 {
  // The largest |x| as the largest bit pattern with the sign cleared: for
  // non-negative floats the order is the integers' order, NaN above Infinity.
  const total = tn * dim;
  const absMask = i32x4.splat(0x7fffffff);
  let m0 = i32x4.splat(0);
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let i: i32 = 0;
  for (; i + 16 <= total; i += 16) {
    const p = src + (<usize>i << 2);
    m0 = i32x4.max_s(m0, v128.and(v128.load(p), absMask));
    m1 = i32x4.max_s(m1, v128.and(v128.load(p, 16), absMask));
    m2 = i32x4.max_s(m2, v128.and(v128.load(p, 32), absMask));
    m3 = i32x4.max_s(m3, v128.and(v128.load(p, 48), absMask));
  }
  const mv = i32x4.max_s(i32x4.max_s(m0, m1), i32x4.max_s(m2, m3));
  let bits = max<i32>(
    max<i32>(i32x4.extract_lane(mv, 0), i32x4.extract_lane(mv, 1)),
    max<i32>(i32x4.extract_lane(mv, 2), i32x4.extract_lane(mv, 3)),
  );
  for (; i < total; i++) bits = max<i32>(bits, load<i32>(src + (<usize>i << 2)) & 0x7fffffff);
  const m = reinterpret<f32>(bits);
  if (!prunable(m)) return 0;
  const inv: f32 = <f32>127.0 / m;
  const invV = f32x4.splat(inv);
  const rowBytes = <usize>dim << 2;
  const n16 = dim & ~15;
  clearRow();
  let l1max: i32 = 0;
  const padded = (tn + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
  for (let j: i32 = 0; j < padded; j++) {
    if (j < tn) {
      const s = src + <usize>j * rowBytes;
      let d: i32 = 0;
      // Rounded products are finite and within ±127.5: relaxed truncation is exact.
      for (; d < n16; d += 16) {
        const o = <usize>d << 2;
        const q0 = i32x4.relaxed_trunc_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o), invV)));
        const q1 = i32x4.relaxed_trunc_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o, 16), invV)));
        const q2 = i32x4.relaxed_trunc_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o, 32), invV)));
        const q3 = i32x4.relaxed_trunc_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o, 48), invV)));
        v128.store(lyRow + <usize>d, i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)));
      }
      for (; d < dim; d++) {
        const c = <i32>nearest<f32>(load<f32>(s + (<usize>d << 2)) * inv);
        store<i8>(lyRow + <usize>d, <i8>min<i32>(127, max<i32>(-127, c)));
      }
    } else {
      clearRow();
    }
    l1max = max<i32>(l1max, placeRow(j));
  }
  tileL1Max = l1max;
  return m / <f32>127.0;
}

/**
 * The threshold τ2 of a query with heap worst score `thr` and scale `sq`
 * (> 0) over a tile of scale `s` and largest row Σ|x̂| `l1max`: a row whose
 * accumulator is below it scores below `thr`.
 */
function tau(thr: f32, s: f32, l1max: i32, sq: f32, l1q: f64, dim: i32): i32 {
  if (thr != thr) return TAU_ALL;
  if (thr == Infinity) return TAU_SKIP;
  const ss = <f64>s;
  const qs = <f64>sq;
  const residual = 0.5 + 1.0 / 1024.0;
  const rounding = <f64>(dim + 4) * 3.0517578125e-5; // 2^-15
  const bound = ss * (residual * (qs * <f64>l1max + l1q) + rounding * l1q);
  // Skip when Σx̂q8 ≤ 2·acc is below y = (thr − bound) / (s·s_q): 2·acc < ⌈y⌉.
  const y = (<f64>thr - bound) / (ss * qs);
  return clampTau(Math.ceil(Math.ceil(y) / 2.0));
}

/** Sets τ2 of the eight queries of group `g`; `full`: their heaps hold n entries. */
function setTaus(cs: usize, g: i32, qn: i32, full: bool, s: f32, l1max: i32, dim: i32, k: i32): void {
  for (let qi = g << 3; qi < (g << 3) + 8; qi++) {
    let t = TAU_SKIP;
    if (qi < qn) {
      t = TAU_ALL;
      const sq = load<f32>(lyScale + (<usize>qi << 2));
      if (full && sq > 0) {
        const thr = load<f32>(cs + <usize>qi * (<usize>k << 2));
        t = tau(thr, s, l1max, sq, load<f64>(lyL1 + (<usize>qi << 3)), dim);
      }
    }
    store<i32>(lyTau + (<usize>qi << 2), t);
  }
}

/** Runs every query group of the chunk over the packed tile of rows t0..t0+tn-1. */
function scanTile(
  ci: usize, cs: usize, mat: usize, cq: usize, qn: i32, t0: i32, tn: i32, n: i32, dim: i32, k: i32,
  scale: f32, l1max: i32,
): void {
  const d4 = lyD4;
  const rowBytes = <usize>dim << 2;
  const heapBytes = <usize>k << 2;
  const blocks = (tn + BLOCK_ROWS - 1) / BLOCK_ROWS;
  const blockBytes = <usize>(d4 * 4 * BLOCK_ROWS);
  const t1 = t0 + tn;
  const groups = (qn + 7) >> 3;
  for (let g: i32 = 0; g < groups; g++) {
    const codes = lyCodes + <usize>g * <usize>(d4 << 5);
    const taus = lyTau + (<usize>g << 5);
    setTaus(cs, g, qn, t0 >= n, scale, l1max, dim, k);
    let tauLo = v128.load(taus);
    let tauHi = v128.load(taus, 16);
    let block = lyTile;
    let init = lyInit;
    for (let b: i32 = 0; b < blocks; b++) {
      let bits = blockCandidates(block, init, codes, d4, tauLo, tauHi);
      if (bits != 0) {
        const r0 = t0 + b * BLOCK_ROWS;
        do {
          const bit = <i32>ctz<u64>(bits);
          bits &= bits - 1;
          const r = r0 + (bit >> 3);
          const qi = (g << 3) + (bit & 7);
          if (r < t1 && qi < qn) {
            const h = <usize>qi * heapBytes;
            const s = dotScanF32(mat + <usize>r * rowBytes, cq + <usize>qi * rowBytes, dim);
            heapOffer(ci + h, cs + h, min<i32>(r, n), n, r, s);
          }
        } while (bits != 0);
        setTaus(cs, g, qn, r0 + BLOCK_ROWS >= n, scale, l1max, dim, k);
        tauLo = v128.load(taus);
        tauHi = v128.load(taus, 16);
      }
      block += blockBytes;
      init += 4 * BLOCK_ROWS;
    }
  }
}
