// deno-fmt-ignore-file
// The Adam update of one row (Kingma and Ba, 2015, Algorithm 1) with the
// row's own step count for bias correction: SIMD f32x4 body, scalar tail.

/** base^e for e ≥ 0 by squaring (Math.pow would bring data tables along). */
@inline function powInt(base: f64, e: i32): f64 {
  let result: f64 = 1.0;
  let b = base;
  while (e > 0) {
    if (e & 1) result *= b;
    b *= b;
    e >>= 1;
  }
  return result;
}

/**
 * Updates row `w` with gradient `gradScale * grad[i]`, moments `m` and `v`
 * (same shape as the row), for the row's `step`-th update (1-based):
 * m = β1 m + (1 − β1) g; v = β2 v + (1 − β2) g²;
 * w −= lr · (m / (1 − β1^step)) / (sqrt(v / (1 − β2^step)) + eps).
 */
@inline export function adamRowF32(
  w: usize,
  m: usize,
  v: usize,
  grad: usize,
  gradScale: f32,
  dim: i32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  step: i32,
): void {
  const bc1 = <f32>(1.0 - powInt(<f64>beta1, step));
  const bc2 = <f32>(1.0 - powInt(<f64>beta2, step));
  const stepSize: f32 = lr / bc1;
  const invBc2: f32 = <f32>1.0 / bc2;
  const c1: f32 = <f32>1.0 - beta1;
  const c2: f32 = <f32>1.0 - beta2;
  const gsV = f32x4.splat(gradScale);
  const b1V = f32x4.splat(beta1);
  const c1V = f32x4.splat(c1);
  const b2V = f32x4.splat(beta2);
  const c2V = f32x4.splat(c2);
  const ssV = f32x4.splat(stepSize);
  const ib2V = f32x4.splat(invBc2);
  const epsV = f32x4.splat(eps);
  let i: i32 = 0;
  const n4 = dim & ~3;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const g = f32x4.mul(gsV, v128.load(grad + o));
    const mm = f32x4.add(f32x4.mul(b1V, v128.load(m + o)), f32x4.mul(c1V, g));
    const vv = f32x4.add(f32x4.mul(b2V, v128.load(v + o)), f32x4.mul(c2V, f32x4.mul(g, g)));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.sqrt(f32x4.mul(vv, ib2V)), epsV);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(ssV, mm), denom)));
  }
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    const g = gradScale * load<f32>(grad + o);
    const mm = beta1 * load<f32>(m + o) + c1 * g;
    const vv = beta2 * load<f32>(v + o) + c2 * g * g;
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    store<f32>(w + o, load<f32>(w + o) - stepSize * mm / (Mathf.sqrt(vv * invBc2) + eps));
  }
}
