// deno-fmt-ignore-file
// Inline f32 vector helpers shared by the kernel operations: a SIMD f32x4
// body with a scalar tail for any `dim`. Pointers are byte offsets into the
// imported memory; unaligned pointers work, 16-byte alignment is faster.

/** Dot product of two rows of `dim` floats. */
@inline export function dotF32(a: usize, b: usize, dim: i32): f32 {
  let acc0 = f32x4.splat(0.0);
  let acc1 = f32x4.splat(0.0);
  let i: i32 = 0;
  const n8 = dim & ~7;
  for (; i < n8; i += 8) {
    const o = <usize>i << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  if (i + 4 <= dim) {
    const o = <usize>i << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    i += 4;
  }
  acc0 = f32x4.add(acc0, acc1);
  let s: f32 = f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) +
    f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3);
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    s += load<f32>(a + o) * load<f32>(b + o);
  }
  return s;
}

/** Sets `dim` floats at `dst` to zero. */
@inline export function zeroF32(dst: usize, dim: i32): void {
  const z = f32x4.splat(0.0);
  let i: i32 = 0;
  const n4 = dim & ~3;
  for (; i < n4; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < dim; i++) store<f32>(dst + (<usize>i << 2), 0.0);
}

/** `y += a * x` over `dim` floats. */
@inline export function axpyF32(y: usize, a: f32, x: usize, dim: i32): void {
  const av = f32x4.splat(a);
  let i: i32 = 0;
  const n4 = dim & ~3;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, v128.load(x + o))));
  }
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}
