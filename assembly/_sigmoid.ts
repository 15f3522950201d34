// deno-fmt-ignore-file
// Table lookups of the logistic sigmoid σ(x) = 1 / (1 + e^-x) and of log σ(x).
//
// Reference: word2vec's precomputed `expTable` (Mikolov et al., 2013). Where we
// differ: the host fills the table (the kernel allocates nothing), values are
// linearly interpolated rather than taken from the nearest entry, and outside
// [-MAX_X, MAX_X] σ is clipped to 0 or 1 and log σ(x) to x or 0 instead of the
// update being skipped.
//
// Layout at `table` (f32, 4-byte aligned): SIGMOID_TABLE_SIZE + 1 values of σ
// at x_i = -MAX_X + i * 2 * MAX_X / SIGMOID_TABLE_SIZE, then the same count of
// log σ(x_i). The wrapper (src/kernel/_kernel.ts) must use the same constants.

export const SIGMOID_TABLE_SIZE: i32 = 4096;
export const SIGMOID_MAX_X: f32 = 16.0;
const SCALE: f32 = <f32>SIGMOID_TABLE_SIZE / (2.0 * SIGMOID_MAX_X);
const LOG_OFFSET: usize = (<usize>SIGMOID_TABLE_SIZE + 1) << 2;

/** σ(x) from the table. */
@inline export function sigmoidLookup(table: usize, x: f32): f32 {
  const t = (x + SIGMOID_MAX_X) * SCALE;
  if (!(t > 0.0)) return 0.0;
  if (t >= <f32>SIGMOID_TABLE_SIZE) return 1.0;
  const i = <i32>t;
  const frac = t - <f32>i;
  const p = table + (<usize>i << 2);
  const a = load<f32>(p);
  return a + frac * (load<f32>(p, 4) - a);
}

/** log σ(x) from the table. */
@inline export function logSigmoidLookup(table: usize, x: f32): f32 {
  const t = (x + SIGMOID_MAX_X) * SCALE;
  if (!(t > 0.0)) return x;
  if (t >= <f32>SIGMOID_TABLE_SIZE) return 0.0;
  const i = <i32>t;
  const frac = t - <f32>i;
  const p = table + LOG_OFFSET + (<usize>i << 2);
  const a = load<f32>(p);
  return a + frac * (load<f32>(p, 4) - a);
}
