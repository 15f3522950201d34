// deno-fmt-ignore-file
// The tiled int8 pass shared by the batched scans (topKDotBatchF32,
// topKDotBatchI8).
//
// Queries are taken a chunk at a time and rows a tile at a time. A tile holds
// rows as int8 codes x̂, packed six rows to a block: for each group of four
// dimensions, the four bytes of row 0, then row 1, ..., row 5. A chunk holds
// each query as 7-bit codes: the query's int8 code q8 (in [-128, 127]) split
// as q8 = 2·q7 + b with q7 = q8 >> 1 in [-64, 63] and b in {0, 1}; q7 + 64 (in
// [0, 127]) is stored eight queries to a group, four bytes (four dimensions)
// per query: lane j of an i32x4 holds query j's four bytes. One
// i32x4.relaxed_dot_i8x16_i7x16_add_s of a row's four bytes (splat) with those
// lanes adds four dimensions of four queries; its second operand is in
// [0, 127], so every implementation returns the exact integer sum.
//
// For row r and query q the accumulator starts at ceil(P_r / 2) − 64·Σx̂_r
// (P_r: the sum of the row's positive codes) and ends at
//   acc = Σ x̂·q7 + ceil(P_r / 2),
// so the full int8 dot Σ x̂·q8 = 2·Σ x̂·q7 + Σ x̂·b is at most 2·acc. A query
// keeps an integer threshold τ2 derived from its heap's worst score (see the
// scans): a row with acc < τ2 provably scores at or below that worst entry and
// is skipped; the rest are scored exactly by the caller, in the same order as
// the one-query scan, and offered to the heap. Skipped rows could only have
// been refused, so results equal the one-query scan's bit for bit.

/** Rows per packed block. */
export const BLOCK_ROWS: i32 = 6;
/** Bytes of a packed tile: it stays in L1 while every query group runs over it. */
const TILE_BYTES: i32 = 32768;
/** Most queries per chunk. */
const MAX_CHUNK: i32 = 1024;
/** Bytes of 7-bit query codes per chunk, at most. */
const CHUNK_CODE_BYTES: i32 = 1 << 18;
/**
 * Widest rows the tiled pass takes: accumulators stay below
 * (64·127 + 127·127)·dim < 2^31.
 */
export const MAX_TILED_DIM: i32 = 65536;
/** A threshold that no accumulator reaches: skip every row. */
export const TAU_SKIP: i32 = i32.MAX_VALUE;
/** A threshold every accumulator reaches: score every row. */
export const TAU_ALL: i32 = i32.MIN_VALUE;

// The scratch layout of the current call, set by scratchLayout().
/** Four-dimension groups per row: ceil(dim / 4). */
export let lyD4: i32 = 0;
/** Queries per chunk, a multiple of 8. */
export let lyChunk: i32 = 0;
/** Rows per tile, a multiple of BLOCK_ROWS. */
export let lyTileRows: i32 = 0;
/** 7-bit query codes: [group of 8][d4][8 lanes × 4 bytes]. */
export let lyCodes: usize = 0;
/** f32 scale per chunk query (0 when the query is not pruned). */
export let lyScale: usize = 0;
/** f64 L1 norm per chunk query (f32 scan only). */
export let lyL1: usize = 0;
/** i32 threshold τ2 per chunk query. */
export let lyTau: usize = 0;
/** The packed tile. */
export let lyTile: usize = 0;
/** i32 accumulator start per tile row. */
export let lyInit: usize = 0;
/** One row's codes, ceil(dim / 16) · 16 bytes. */
export let lyRow: usize = 0;
/** Largest Σ|x̂| of a row of the last tile packed by packTileF32. */
export let tileL1Max: i32 = 0;

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/**
 * Sets the ly* layout for `nQueries` queries of `dim` (> 0) dimensions in a
 * scratch area at `base` (16-byte aligned) and returns its size in bytes.
 */
export function scratchLayout(base: usize, nQueries: i32, dim: i32): usize {
  const d4 = (dim + 3) >> 2;
  lyD4 = d4;
  let maxChunk = min<i32>(MAX_CHUNK, (CHUNK_CODE_BYTES / (d4 << 2)) & ~7);
  maxChunk = max<i32>(8, maxChunk);
  lyChunk = min<i32>(maxChunk, max<i32>(8, (nQueries + 7) & ~7));
  lyTileRows = max<i32>(BLOCK_ROWS, (TILE_BYTES / (d4 << 2) / BLOCK_ROWS) * BLOCK_ROWS);
  let at = align16(base);
  lyCodes = at;
  at = align16(at + <usize>lyChunk * <usize>(d4 << 2));
  lyScale = at;
  at = align16(at + (<usize>lyChunk << 2));
  lyL1 = at;
  at = align16(at + (<usize>lyChunk << 3));
  lyTau = at;
  at = align16(at + (<usize>lyChunk << 2));
  lyTile = at;
  at = align16(at + <usize>lyTileRows * <usize>(d4 << 2));
  lyInit = at;
  at = align16(at + (<usize>lyTileRows << 2));
  lyRow = at;
  at = align16(at + align16(<usize>(d4 << 2)));
  return at - base;
}

/** Address of the four code bytes of chunk query `qi`, dimensions 4·d4.. */
@inline function codeAt(qi: i32, d4: i32): usize {
  return lyCodes + <usize>(qi >> 3) * <usize>(lyD4 << 5) + (<usize>d4 << 5) + (<usize>(qi & 7) << 2);
}

/** Stores byte `v` as query `qi`'s code for dimension `d`. */
@inline function storeCode(qi: i32, d: i32, v: i32): void {
  store<u8>(codeAt(qi, d >> 2) + <usize>(d & 3), <u8>v);
}

/** Fills the codes of chunk query `qi` with 64 (q7 = 0) from dimension `from`. */
export function padCodes(qi: i32, from: i32): void {
  const end = lyD4 << 2;
  for (let d = from; d < end; d++) storeCode(qi, d, 64);
}

/** Stores the 7-bit code of int8 value `q8` for chunk query `qi`, dimension `d`. */
@inline export function putCode(qi: i32, d: i32, q8: i32): void {
  storeCode(qi, d, (q8 >> 1) + 64);
}

/**
 * Copies the row codes in lyRow (zero-padded to a multiple of 16 bytes) into
 * tile row `j` and sets its accumulator start; returns the row's Σ|x̂|.
 */
export function placeRow(j: i32): i32 {
  const d4 = lyD4;
  const n16 = (d4 + 3) >> 2;
  const ones = i8x16.splat(1);
  const zero = i8x16.splat(0);
  let sum = i32x4.splat(0);
  let pos = i32x4.splat(0);
  let l1 = i32x4.splat(0);
  for (let i: i32 = 0; i < n16; i++) {
    const v = v128.load(lyRow + (<usize>i << 4));
    sum = i32x4.relaxed_dot_i8x16_i7x16_add_s(v, ones, sum);
    pos = i32x4.relaxed_dot_i8x16_i7x16_add_s(i8x16.max_s(v, zero), ones, pos);
    l1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(i8x16.abs(v), ones, l1);
  }
  const s = i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3);
  const p = i32x4.extract_lane(pos, 0) + i32x4.extract_lane(pos, 1) + i32x4.extract_lane(pos, 2) + i32x4.extract_lane(pos, 3);
  const a = i32x4.extract_lane(l1, 0) + i32x4.extract_lane(l1, 1) + i32x4.extract_lane(l1, 2) + i32x4.extract_lane(l1, 3);
  store<i32>(lyInit + (<usize>j << 2), ((p + 1) >> 1) - (s << 6));
  let dst = lyTile + <usize>(j / BLOCK_ROWS) * <usize>(d4 * 4 * BLOCK_ROWS) + (<usize>(j % BLOCK_ROWS) << 2);
  const stride: usize = 4 * BLOCK_ROWS;
  for (let i: i32 = 0; i < d4; i++) {
    store<u32>(dst, load<u32>(lyRow + (<usize>i << 2)));
    dst += stride;
  }
  return a;
}

/** Zeroes lyRow (all of its padded length). */
export function clearRow(): void {
  const n16 = (lyD4 + 3) >> 2;
  for (let i: i32 = 0; i < n16; i++) v128.store(lyRow + (<usize>i << 4), i8x16.splat(0));
}

/**
 * Runs one packed block (BLOCK_ROWS rows) against query group `codes` (eight
 * queries) and returns the candidates as bits: bit 8·j + l for row j and lane
 * l, set when acc ≥ τ2 (tauLo: lanes 0–3, tauHi: lanes 4–7); 0 when none.
 */
@inline export function blockCandidates(block: usize, init: usize, codes: usize, d4: i32, tauLo: v128, tauHi: v128): u64 {
  let a0 = v128.load32_splat(init);
  let a1 = v128.load32_splat(init, 4);
  let a2 = v128.load32_splat(init, 8);
  let a3 = v128.load32_splat(init, 12);
  let a4 = v128.load32_splat(init, 16);
  let a5 = v128.load32_splat(init, 20);
  let b0 = a0;
  let b1 = a1;
  let b2 = a2;
  let b3 = a3;
  let b4 = a4;
  let b5 = a5;
  let p = block;
  let q = codes;
  const end = block + <usize>(d4 * 4 * BLOCK_ROWS);
  do {
    // Two loads and lane broadcasts cost fewer bounds-checked loads than six splats.
    const qa = v128.load(q);
    const qb = v128.load(q, 16);
    const lo = v128.load(p);
    const hi = v128.load64_zero(p, 16);
    let x = v128.shuffle<i32>(lo, lo, 0, 0, 0, 0);
    a0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qa, a0);
    b0 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qb, b0);
    x = v128.shuffle<i32>(lo, lo, 1, 1, 1, 1);
    a1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qa, a1);
    b1 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qb, b1);
    x = v128.shuffle<i32>(lo, lo, 2, 2, 2, 2);
    a2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qa, a2);
    b2 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qb, b2);
    x = v128.shuffle<i32>(lo, lo, 3, 3, 3, 3);
    a3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qa, a3);
    b3 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qb, b3);
    x = v128.shuffle<i32>(hi, hi, 0, 0, 0, 0);
    a4 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qa, a4);
    b4 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qb, b4);
    x = v128.shuffle<i32>(hi, hi, 1, 1, 1, 1);
    a5 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qa, a5);
    b5 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x, qb, b5);
    p += 4 * BLOCK_ROWS;
    q += 32;
  } while (p < end);
  a0 = i32x4.ge_s(a0, tauLo);
  a1 = i32x4.ge_s(a1, tauLo);
  a2 = i32x4.ge_s(a2, tauLo);
  a3 = i32x4.ge_s(a3, tauLo);
  a4 = i32x4.ge_s(a4, tauLo);
  a5 = i32x4.ge_s(a5, tauLo);
  b0 = i32x4.ge_s(b0, tauHi);
  b1 = i32x4.ge_s(b1, tauHi);
  b2 = i32x4.ge_s(b2, tauHi);
  b3 = i32x4.ge_s(b3, tauHi);
  b4 = i32x4.ge_s(b4, tauHi);
  b5 = i32x4.ge_s(b5, tauHi);
  const any = v128.or(
    v128.or(v128.or(v128.or(a0, a1), v128.or(a2, a3)), v128.or(a4, a5)),
    v128.or(v128.or(v128.or(b0, b1), v128.or(b2, b3)), v128.or(b4, b5)),
  );
  if (!v128.any_true(any)) return 0;
  return <u64>(i32x4.bitmask(a0) | (i32x4.bitmask(b0) << 4))
    | (<u64>(i32x4.bitmask(a1) | (i32x4.bitmask(b1) << 4)) << 8)
    | (<u64>(i32x4.bitmask(a2) | (i32x4.bitmask(b2) << 4)) << 16)
    | (<u64>(i32x4.bitmask(a3) | (i32x4.bitmask(b3) << 4)) << 24)
    | (<u64>(i32x4.bitmask(a4) | (i32x4.bitmask(b4) << 4)) << 32)
    | (<u64>(i32x4.bitmask(a5) | (i32x4.bitmask(b5) << 4)) << 40);
}

/** Clamps an f64 threshold to i32, NaN to TAU_ALL. */
@inline export function clampTau(t: f64): i32 {
  if (!(t > -2147483648.0)) return TAU_ALL;
  if (t >= 2147483647.0) return TAU_SKIP;
  return <i32>t;
}
