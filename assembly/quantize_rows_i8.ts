// deno-fmt-ignore-file
// Symmetric per-row int8 quantisation: row r is stored as q = round(x / s_r)
// with s_r = max|x| / 127, so x ≈ s_r · q and q ∈ [−127, 127].

/**
 * Quantises `rows` rows of `src` (`rows` × `dim` f32, 4-byte aligned) into
 * `dst` (`rows` × `dim` i8, rows of `dim` bytes) and writes each row's scale
 * to `scales` (f32[rows], 4-byte aligned). A zero row gets scale 0.
 */
export function quantizeRowsI8(dst: usize, scales: usize, src: usize, rows: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  const n4 = dim & ~3;
  const n16 = dim & ~15;
  for (let r: i32 = 0; r < rows; r++) {
    const s = src + <usize>r * rowBytes;
    const d = dst + <usize>r * <usize>dim;
    let maxV = f32x4.splat(0.0);
    let i: i32 = 0;
    for (; i < n4; i += 4) maxV = f32x4.max(maxV, f32x4.abs(v128.load(s + (<usize>i << 2))));
    let maxAbs = max<f32>(
      max<f32>(f32x4.extract_lane(maxV, 0), f32x4.extract_lane(maxV, 1)),
      max<f32>(f32x4.extract_lane(maxV, 2), f32x4.extract_lane(maxV, 3)),
    );
    for (; i < dim; i++) maxAbs = max<f32>(maxAbs, Mathf.abs(load<f32>(s + (<usize>i << 2))));
    const scale: f32 = maxAbs > 0.0 ? maxAbs / <f32>127.0 : 0.0;
    const inv: f32 = maxAbs > 0.0 ? <f32>127.0 / maxAbs : 0.0;
    store<f32>(scales + (<usize>r << 2), scale);
    const invV = f32x4.splat(inv);
    i = 0;
    for (; i < n16; i += 16) {
      const o = <usize>i << 2;
      const q0 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o), invV)));
      const q1 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o, 16), invV)));
      const q2 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o, 32), invV)));
      const q3 = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(s + o, 48), invV)));
      const lo = i16x8.narrow_i32x4_s(q0, q1);
      const hi = i16x8.narrow_i32x4_s(q2, q3);
      v128.store(d + <usize>i, i8x16.narrow_i16x8_s(lo, hi));
    }
    for (; i < dim; i++) {
      const q = <i32>nearest<f32>(load<f32>(s + (<usize>i << 2)) * inv);
      store<i8>(d + <usize>i, <i8>min<i32>(127, max<i32>(-127, q)));
    }
  }
}
