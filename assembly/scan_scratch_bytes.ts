// deno-fmt-ignore-file
// Size of the scratch area of the batched scans.

import { scratchLayout } from "./_tile";

/**
 * Bytes of the scratch area topKDotBatchF32 and topKDotBatchI8 need for
 * `nQueries` queries of `dim` dimensions (16-byte aligned). It grows with
 * both up to a chunk of queries, then only with `dim`.
 */
export function scanScratchBytes(nQueries: i32, dim: i32): i32 {
  if (nQueries <= 0 || dim <= 0) return 0;
  return <i32>scratchLayout(0, nQueries, dim);
}
