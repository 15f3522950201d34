// deno-fmt-ignore-file
// σ and log σ through the kernel's table, exported so the host can measure
// the interpolation error (see _sigmoid.ts for the layout).

import { logSigmoidLookup, sigmoidLookup } from "./_sigmoid";

/** σ(x) interpolated from the table at `sigTable` (4-byte aligned). */
export function sigmoidF32(sigTable: usize, x: f32): f32 {
  return sigmoidLookup(sigTable, x);
}

/** log σ(x) interpolated from the table at `sigTable` (4-byte aligned). */
export function logSigmoidF32(sigTable: usize, x: f32): f32 {
  return logSigmoidLookup(sigTable, x);
}
