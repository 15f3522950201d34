// deno-fmt-ignore-file
// A bounded min-heap of (row index, score) kept in the caller's output
// buffers: i32 indices at `idx`, f32 scores at `score`. The root is the worst
// entry: lowest score, and on equal scores the higher row index. Sorting the
// heap in place leaves the entries best first.

/** Whether entry (ia, sa) ranks below entry (ib, sb). */
@inline function worse(sa: f32, ia: i32, sb: f32, ib: i32): bool {
  return sa < sb || (sa == sb && ia > ib);
}

/** Restores the heap below `pos` for a heap of `size` entries. */
export function heapSiftDown(idx: usize, score: usize, size: i32, pos: i32): void {
  const ip = load<i32>(idx + (<usize>pos << 2));
  const sp = load<f32>(score + (<usize>pos << 2));
  while (true) {
    let child = 2 * pos + 1;
    if (child >= size) break;
    let ic = load<i32>(idx + (<usize>child << 2));
    let sc = load<f32>(score + (<usize>child << 2));
    const right = child + 1;
    if (right < size) {
      const ir = load<i32>(idx + (<usize>right << 2));
      const sr = load<f32>(score + (<usize>right << 2));
      if (worse(sr, ir, sc, ic)) {
        child = right;
        ic = ir;
        sc = sr;
      }
    }
    if (!worse(sc, ic, sp, ip)) break;
    store<i32>(idx + (<usize>pos << 2), ic);
    store<f32>(score + (<usize>pos << 2), sc);
    pos = child;
  }
  store<i32>(idx + (<usize>pos << 2), ip);
  store<f32>(score + (<usize>pos << 2), sp);
}

/** Appends (i, s) to a heap of `size` entries (capacity must allow it). */
export function heapPush(idx: usize, score: usize, size: i32, i: i32, s: f32): void {
  let pos = size;
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    const ipar = load<i32>(idx + (<usize>parent << 2));
    const spar = load<f32>(score + (<usize>parent << 2));
    if (!worse(s, i, spar, ipar)) break;
    store<i32>(idx + (<usize>pos << 2), ipar);
    store<f32>(score + (<usize>pos << 2), spar);
    pos = parent;
  }
  store<i32>(idx + (<usize>pos << 2), i);
  store<f32>(score + (<usize>pos << 2), s);
}

/** Replaces the root (the worst entry) with (i, s). */
@inline export function heapReplaceRoot(idx: usize, score: usize, size: i32, i: i32, s: f32): void {
  store<i32>(idx, i);
  store<f32>(score, s);
  heapSiftDown(idx, score, size, 0);
}

/**
 * Offers row `i` with score `s` to a heap that holds `size` of at most `n`
 * entries; rows arrive in increasing index order, so a tie never displaces.
 */
@inline export function heapOffer(idx: usize, score: usize, size: i32, n: i32, i: i32, s: f32): void {
  if (size < n) heapPush(idx, score, size, i, s);
  else if (s > load<f32>(score)) heapReplaceRoot(idx, score, n, i, s);
}

/**
 * Sorts a heap of `n` entries in place, best first, and fills slots `n..k-1`
 * with index -1 and score -Infinity.
 */
export function heapFinish(idx: usize, score: usize, n: i32, k: i32): void {
  for (let end = n - 1; end > 0; end--) {
    const e = <usize>end << 2;
    const i0 = load<i32>(idx);
    const s0 = load<f32>(score);
    store<i32>(idx, load<i32>(idx + e));
    store<f32>(score, load<f32>(score + e));
    store<i32>(idx + e, i0);
    store<f32>(score + e, s0);
    heapSiftDown(idx, score, end, 0);
  }
  for (let j = max<i32>(n, 0); j < k; j++) {
    store<i32>(idx + (<usize>j << 2), -1);
    store<f32>(score + (<usize>j << 2), -Infinity);
  }
}
