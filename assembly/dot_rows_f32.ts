// deno-fmt-ignore-file
// All dot products of a matrix's rows with one query.

import { dot4ScanF32, dotScanF32 } from "./_scan";

/**
 * Writes `out[r] = mat[r] · query` for each of `rows` rows: `out` f32[rows],
 * `mat` `rows` × `dim` f32, `query` f32[dim]. Scores are bit-identical to the
 * ones topKDotF32 ranks by. Pointers need 4-byte alignment.
 */
export function dotRowsF32(out: usize, mat: usize, query: usize, rows: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  let row = mat;
  let r: i32 = 0;
  for (; r + 4 <= rows; r += 4) {
    v128.store(out + (<usize>r << 2), dot4ScanF32(row, rowBytes, query, dim));
    row += rowBytes << 2;
  }
  for (; r < rows; r++) {
    store<f32>(out + (<usize>r << 2), dotScanF32(row, query, dim));
    row += rowBytes;
  }
}
