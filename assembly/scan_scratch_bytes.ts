// deno-fmt-ignore-file
// Size of the scratch area of the batched scans.

import { MAX_TILED_DIM, scratchLayout } from "./_tile";

/**
 * Bytes of the scratch area topKDotBatchF32 and topKDotBatchI8 use for
 * `nQueries` queries of `dim` dimensions, at any 4-byte aligned address. It
 * grows with `nQueries` up to a chunk of queries, then only with `dim`; 0
 * when there is nothing to scan or rows are too wide for the tiled pass.
 */
export function scanScratchBytes(nQueries: i32, dim: i32): i32 {
  if (nQueries <= 0 || dim <= 0 || dim > MAX_TILED_DIM) return 0;
  return <i32>scratchLayout(0, nQueries, dim) + 16;
}
