// deno-fmt-ignore-file
// Top-k rows of an int8-quantised matrix for many int8 queries at once.
//
// With a scratch area (scanScratchBytes) the rows are packed a tile at a time
// and every query group is run over the tile with the tiled int8 pass of
// _tile.ts on the queries' 7-bit halves; a (row, query) pair whose int8 dot is
// provably too small for the query's heap is skipped, and the rest are scored
// exactly as topKDotI8 scores them — the exact integer dot (dotScanI8), times
// the row scale, times the query scale, in f32 — and offered in row order. So
// results equal one topKDotI8 per query bit for bit.
//
// The skip test: with s_max the largest row scale of the tile, a row whose
// int8 dot I satisfies I ≤ w = thr / (s_max·s_q) · (1 − 2⁻²⁰) scores at most
// thr once rounded (three f32 roundings stay within the 2⁻²⁰), and
// I ≤ 2·acc. Heaps whose worst score is not positive, tiles with a negative
// or non-finite scale and queries with a scale that is not positive and
// finite are not pruned.

import { dotScanI8 } from "./_scan";
import { heapFinish, heapOffer } from "./_heap";
import {
  BLOCK_ROWS, MAX_TILED_DIM, TAU_ALL, TAU_SKIP, blockCandidates, clampTau, clearRow, lyChunk, lyCodes, lyD4, lyInit, lyRow,
  lyScale, lyTau, lyTile, lyTileRows, padCodes, placeRow, putCode, scratchLayout,
} from "./_tile";
import { topKDotI8 } from "./top_k_dot_i8";

/**
 * For each of `nQueries` int8 queries (`queriesI8`: `nQueries` × `dim` i8,
 * scales `queryScales`: f32[nQueries]), writes the `k` best rows of `matI8`
 * (`rows` × `dim` i8, row scales `scales`) to `outIdx` (i32) and `outScore`
 * (f32), both `nQueries` × `k`, exactly as `topKDotI8` would for that query.
 * `scratch` is an area of `scanScratchBytes(nQueries, dim)` bytes, or 0 to
 * run topKDotI8 once per query. Scratch, f32 and i32 pointers need 4-byte
 * alignment.
 */
export function topKDotBatchI8(
  outIdx: usize,
  outScore: usize,
  matI8: usize,
  scales: usize,
  queriesI8: usize,
  queryScales: usize,
  nQueries: i32,
  rows: i32,
  dim: i32,
  k: i32,
  scratch: usize,
): void {
  if (k <= 0 || nQueries <= 0) return;
  const heapBytes = <usize>k << 2;
  const rowBytes = <usize>max<i32>(dim, 0);
  if (scratch == 0 || dim <= 0 || dim > MAX_TILED_DIM || rows <= 0) {
    for (let q: i32 = 0; q < nQueries; q++) {
      const h = <usize>q * heapBytes;
      topKDotI8(
        outIdx + h, outScore + h, matI8, scales, queriesI8 + <usize>q * rowBytes,
        load<f32>(queryScales + (<usize>q << 2)), rows, dim, k,
      );
    }
    return;
  }
  const n = min<i32>(k, rows);
  scratchLayout(scratch, nQueries, dim);
  for (let c0: i32 = 0; c0 < nQueries; c0 += lyChunk) {
    const qn = min<i32>(lyChunk, nQueries - c0);
    const ci = outIdx + <usize>c0 * heapBytes;
    const cs = outScore + <usize>c0 * heapBytes;
    const cq = queriesI8 + <usize>c0 * rowBytes;
    prepareQueries(cq, queryScales + (<usize>c0 << 2), qn, dim);
    for (let t0: i32 = 0; t0 < rows; t0 += lyTileRows) {
      const tn = min<i32>(lyTileRows, rows - t0);
      const smax = packTile(matI8 + <usize>t0 * rowBytes, scales + (<usize>t0 << 2), tn, dim);
      scanTile(ci, cs, matI8, scales, cq, qn, t0, tn, n, dim, k, smax);
    }
  }
  for (let q: i32 = 0; q < nQueries; q++) {
    const h = <usize>q * heapBytes;
    heapFinish(outIdx + h, outScore + h, n, k);
  }
}

/** Codes and scales of the chunk's `qn` queries; padding lanes get scale 0. */
function prepareQueries(cq: usize, cScales: usize, qn: i32, dim: i32): void {
  const lanes = (qn + 7) & ~7;
  for (let qi: i32 = 0; qi < lanes; qi++) {
    let scale: f32 = 0;
    if (qi < qn) {
      const q = cq + <usize>qi * <usize>dim;
      for (let d: i32 = 0; d < dim; d++) putCode(qi, d, <i32>load<i8>(q + <usize>d));
      padCodes(qi, dim);
      scale = load<f32>(cScales + (<usize>qi << 2));
    } else {
      padCodes(qi, 0);
    }
    store<f32>(lyScale + (<usize>qi << 2), scale);
  }
}

/**
 * Packs `tn` int8 rows at `src` into the tile and returns the largest of
 * their scales, or -1 when one is negative, infinite or NaN.
 */
function packTile(src: usize, scales: usize, tn: i32, dim: i32): f32 {
  let smax: f32 = 0;
  let ok = true;
  for (let j: i32 = 0; j < tn; j++) {
    const s = load<f32>(scales + (<usize>j << 2));
    if (!(s >= 0 && s <= f32.MAX_VALUE)) ok = false;
    else smax = max<f32>(smax, s);
  }
  clearRow();
  const padded = (tn + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
  for (let j: i32 = 0; j < padded; j++) {
    if (j < tn) memory.copy(lyRow, src + <usize>j * <usize>dim, <usize>dim);
    else clearRow();
    placeRow(j);
  }
  return ok ? smax : -1;
}

/** τ2 of a query with heap worst score `thr` and scale `sq` over a tile with largest row scale `smax`. */
function tau(thr: f32, smax: f32, sq: f32): i32 {
  if (!(thr > 0)) return TAU_ALL;
  if (thr == Infinity) return TAU_SKIP;
  if (!(smax >= 0) || !(sq > 0 && sq <= f32.MAX_VALUE)) return TAU_ALL;
  // Skip when I ≤ 2·acc ≤ w: acc < ⌊w / 2⌋ + 1.
  const w = <f64>thr / (<f64>smax * <f64>sq) * (1.0 - 9.5367431640625e-7); // 2^-20
  return clampTau(Math.floor(w / 2.0) + 1.0);
}

/** Sets τ2 of the eight queries of group `g`; `full`: their heaps hold n entries. */
function setTaus(cs: usize, g: i32, qn: i32, full: bool, smax: f32, k: i32): void {
  for (let qi = g << 3; qi < (g << 3) + 8; qi++) {
    let t = TAU_SKIP;
    if (qi < qn) {
      t = TAU_ALL;
      if (full) t = tau(load<f32>(cs + <usize>qi * (<usize>k << 2)), smax, load<f32>(lyScale + (<usize>qi << 2)));
    }
    store<i32>(lyTau + (<usize>qi << 2), t);
  }
}

/** Runs every query group of the chunk over the packed tile of rows t0..t0+tn-1. */
function scanTile(
  ci: usize, cs: usize, matI8: usize, scales: usize, cq: usize, qn: i32, t0: i32, tn: i32, n: i32, dim: i32,
  k: i32, smax: f32,
): void {
  const d4 = lyD4;
  const rowBytes = <usize>dim;
  const heapBytes = <usize>k << 2;
  const blocks = (tn + BLOCK_ROWS - 1) / BLOCK_ROWS;
  const blockBytes = <usize>(d4 * 4 * BLOCK_ROWS);
  const t1 = t0 + tn;
  const groups = (qn + 7) >> 3;
  for (let g: i32 = 0; g < groups; g++) {
    const codes = lyCodes + <usize>g * <usize>(d4 << 5);
    const taus = lyTau + (<usize>g << 5);
    setTaus(cs, g, qn, t0 >= n, smax, k);
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
            const dot = dotScanI8(matI8 + <usize>r * rowBytes, cq + <usize>qi * rowBytes, dim);
            const s = <f32>dot * load<f32>(scales + (<usize>r << 2)) * load<f32>(lyScale + (<usize>qi << 2));
            heapOffer(ci + h, cs + h, min<i32>(r, n), n, r, s);
          }
        } while (bits != 0);
        setTaus(cs, g, qn, r0 + BLOCK_ROWS >= n, smax, k);
        tauLo = v128.load(taus);
        tauHi = v128.load(taus, 16);
      }
      block += blockBytes;
      init += 4 * BLOCK_ROWS;
    }
  }
}
