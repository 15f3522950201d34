// deno-fmt-ignore-file
// All dot products of a matrix's rows with one query.

import { dotF32 } from "./_vec";

/**
 * Writes `out[r] = mat[r] · query` for each of `rows` rows: `out` f32[rows],
 * `mat` `rows` × `dim` f32, `query` f32[dim]. Pointers need 4-byte alignment.
 */
export function dotRowsF32(out: usize, mat: usize, query: usize, rows: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  let row = mat;
  for (let r: i32 = 0; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), dotF32(row, query, dim));
    row += rowBytes;
  }
}
