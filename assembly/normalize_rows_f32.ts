// deno-fmt-ignore-file
// L2 normalisation of matrix rows, for cosine similarity by dot product.

import { dotF32 } from "./_vec";

/**
 * Writes each of `rows` rows of `src` divided by its L2 norm to `dst` (both
 * `rows` × `dim` f32; `dst` may equal `src`). A zero row stays zero.
 * Pointers need 4-byte alignment.
 */
export function normalizeRowsF32(dst: usize, src: usize, rows: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  const n4 = dim & ~3;
  for (let r: i32 = 0; r < rows; r++) {
    const s = src + <usize>r * rowBytes;
    const d = dst + <usize>r * rowBytes;
    const sumSq = dotF32(s, s, dim);
    const scale: f32 = sumSq > 0.0 ? <f32>1.0 / Mathf.sqrt(sumSq) : 0.0;
    const scaleV = f32x4.splat(scale);
    let i: i32 = 0;
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      v128.store(d + o, f32x4.mul(v128.load(s + o), scaleV));
    }
    for (; i < dim; i++) {
      const o = <usize>i << 2;
      store<f32>(d + o, load<f32>(s + o) * scale);
    }
  }
}
