/**
 * Exact t-SNE: a 2-D map of high-dimensional rows that keeps neighbours close.
 *
 * What: for each row, a binary search finds the Gaussian precision whose
 * conditional distribution over the other rows has the requested perplexity;
 * the conditionals are symmetrised into joint probabilities P. Points in 2-D
 * are then moved by gradient descent on KL(P‖Q), where Q uses a Student-t
 * kernel, with early exaggeration, momentum (0.5 then 0.8) and per-coordinate
 * adaptive gains.
 *
 * Reference: L. van der Maaten and G. Hinton, "Visualizing Data using t-SNE",
 * JMLR 9 (2008), and van der Maaten's reference implementation.
 *
 * Where we differ: exaggeration is 12 (as in later work and common libraries,
 * not 4) for the first quarter of the iterations (at most 250); the default
 * step size is not a fixed 200 but grows with the number of rows,
 * `max(n / (4 · exaggeration), 50)` (Belkina et al. 2019, Linderman and
 * Steinerberger 2019): a fixed 200 with exaggeration 12 makes a few hundred
 * points oscillate and fly apart, while thousands converge slowly; the start is a
 * PCA projection scaled to a standard deviation of 1e-4 by default (seeded
 * Gaussian noise is the other choice), so the result is reproducible and
 * keeps more of the global layout. Everything is O(n²) in time and memory
 * (no Barnes–Hut), so the number of rows is capped.
 *
 * @module
 */

import { pca } from "./pca.ts";
import { Prng } from "./prng.ts";

/**
 * The most rows {@linkcode tsne} accepts: P alone takes 8·n² bytes.
 *
 * @example
 * ```ts
 * import { tsne, TSNE_MAX_ROWS } from "./tsne.ts";
 * import assert from "node:assert/strict";
 *
 * const rows = TSNE_MAX_ROWS + 1;
 * assert.throws(() => tsne(new Float32Array(rows), rows, 1), RangeError);
 * ```
 */
export const TSNE_MAX_ROWS = 3000;

const DEFAULT_PERPLEXITY = 30;
const DEFAULT_ITERATIONS = 500;
/** "auto" step size is `max(rows / (4 · exaggeration), MIN_AUTO_LEARNING_RATE)`. */
const AUTO_LEARNING_RATE_DIVISOR = 4;
const MIN_AUTO_LEARNING_RATE = 50;
const DEFAULT_SEED = 1;
const EARLY_EXAGGERATION = 12;
const MAX_EXAGGERATION_ITERATIONS = 250;
const INITIAL_MOMENTUM = 0.5;
const FINAL_MOMENTUM = 0.8;
const GAIN_INCREASE = 0.2;
const GAIN_DECAY = 0.8;
const MIN_GAIN = 0.01;
const INITIAL_STD = 1e-4;
const PERPLEXITY_TOLERANCE = 1e-5;
const PERPLEXITY_MAX_STEPS = 100;
const MIN_PROBABILITY = 1e-12;
const OUTPUT_DIM = 2;

/**
 * Options of {@linkcode tsne}.
 *
 * @example One seed, one map
 * ```ts
 * import { tsne, type TsneOptions } from "./tsne.ts";
 * import assert from "node:assert/strict";
 *
 * const vectors = Float32Array.from({ length: 8 * 3 }, (_, i) => Math.sin(i));
 * const options: TsneOptions = {
 *   perplexity: 2,
 *   iterations: 60,
 *   learningRate: 100,
 *   seed: 4,
 *   init: "random",
 *   exaggeration: 4,
 *   exaggerationIterations: 20,
 * };
 * const y = tsne(vectors, 8, 3, options);
 * assert.equal(y.length, 8 * 2);
 * assert.deepEqual(tsne(vectors, 8, 3, options), y);
 * assert.notDeepEqual(tsne(vectors, 8, 3, { ...options, seed: 5 }), y);
 * ```
 */
export interface TsneOptions {
  /** Effective number of neighbours, in `(0, rows - 1]`. Default `30`. */
  perplexity?: number;
  /** Gradient descent steps. Default `500`. */
  iterations?: number;
  /**
   * Step size, or `"auto"` for `max(rows / (4 · exaggeration), 50)`, which is
   * stable for small inputs (a fixed `200`, the paper's choice, suits
   * several thousand rows). Default `"auto"`.
   */
  learningRate?: number | "auto";
  /** Seed of the random start (and of noise added to a PCA start). Default `1`. */
  seed?: number;
  /** Start from the scaled PCA projection or from Gaussian noise. Default `"pca"`. */
  init?: "pca" | "random";
  /** Early exaggeration factor. Default `12`. */
  exaggeration?: number;
  /** Steps with exaggeration and low momentum. Default `min(250, iterations / 4)`. */
  exaggerationIterations?: number;
}

/**
 * Embeds rows in 2-D with exact t-SNE.
 *
 * @example
 * ```ts
 * import { tsne } from "./tsne.ts";
 * import assert from "node:assert/strict";
 *
 * // Two tight groups far apart in 3-D stay apart in 2-D.
 * const rows = [[0, 0, 0], [0.1, 0, 0], [0, 0.1, 0], [9, 9, 9], [9.1, 9, 9], [9, 9.1, 9]];
 * const y = tsne(Float32Array.from(rows.flat()), 6, 3, { perplexity: 2, iterations: 300 });
 * const d = (i: number, j: number) => Math.hypot(y[2 * i]! - y[2 * j]!, y[2 * i + 1]! - y[2 * j + 1]!);
 * assert.ok(d(0, 1) < d(0, 3) && d(3, 4) < d(3, 0));
 * ```
 *
 * @param vectors Row-major data, `rows × dim`.
 * @param rows Number of rows, at most {@linkcode TSNE_MAX_ROWS}.
 * @param dim Number of columns.
 * @param options Perplexity, iterations, learning rate, seed and start.
 * @returns The 2-D positions, row-major, `rows × 2`.
 */
export function tsne(
  vectors: ArrayLike<number>,
  rows: number,
  dim: number,
  options: TsneOptions = {},
): Float32Array {
  const settings = validate(vectors, rows, dim, options);
  const n = rows;
  const p = jointProbabilities(vectors, n, dim, settings.perplexity);
  const y = initialLayout(vectors, n, dim, settings);
  const update = new Float64Array(n * OUTPUT_DIM);
  const gains = new Float64Array(n * OUTPUT_DIM).fill(1);
  const attract = new Float64Array(n * OUTPUT_DIM);
  const repel = new Float64Array(n * OUTPUT_DIM);

  for (let it = 0; it < settings.iterations; it++) {
    const early = it < settings.exaggerationIterations;
    const exaggeration = early ? settings.exaggeration : 1;
    const momentum = early ? INITIAL_MOMENTUM : FINAL_MOMENTUM;
    attract.fill(0);
    repel.fill(0);
    // One pass over pairs: attraction uses P, repulsion uses the unnormalised
    // Student-t kernel; the normaliser Z is applied afterwards.
    let z = 0;
    for (let i = 0; i < n; i++) {
      const yi0 = y[2 * i]!;
      const yi1 = y[2 * i + 1]!;
      const pRow = i * n;
      for (let j = i + 1; j < n; j++) {
        const d0 = yi0 - y[2 * j]!;
        const d1 = yi1 - y[2 * j + 1]!;
        const num = 1 / (1 + d0 * d0 + d1 * d1);
        z += 2 * num;
        const a = exaggeration * p[pRow + j]! * num;
        const r = num * num;
        attract[2 * i]! += a * d0;
        attract[2 * i + 1]! += a * d1;
        attract[2 * j]! -= a * d0;
        attract[2 * j + 1]! -= a * d1;
        repel[2 * i]! += r * d0;
        repel[2 * i + 1]! += r * d1;
        repel[2 * j]! -= r * d0;
        repel[2 * j + 1]! -= r * d1;
      }
    }
    const invZ = z > 0 ? 1 / z : 0;
    for (let k = 0; k < n * OUTPUT_DIM; k++) {
      const grad = 4 * (attract[k]! - invZ * repel[k]!);
      const step = update[k]!;
      // Grow the gain where the gradient keeps pointing against the last step.
      const gain = (grad > 0) !== (step > 0)
        ? gains[k]! + GAIN_INCREASE
        : gains[k]! * GAIN_DECAY;
      gains[k] = Math.max(gain, MIN_GAIN);
      update[k] = momentum * step - settings.learningRate * gains[k]! * grad;
      y[k]! += update[k]!;
    }
    recenter(y, n);
  }
  return Float32Array.from(y);
}

interface TsneSettings {
  perplexity: number;
  iterations: number;
  learningRate: number;
  seed: number;
  init: "pca" | "random";
  exaggeration: number;
  exaggerationIterations: number;
}

function validate(
  vectors: ArrayLike<number>,
  rows: number,
  dim: number,
  options: TsneOptions,
): TsneSettings {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(
      `Cannot run t-SNE: rows must be a non-negative integer, got ${rows}`,
    );
  }
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(
      `Cannot run t-SNE: dim must be a positive integer, got ${dim}`,
    );
  }
  if (vectors.length !== rows * dim) {
    throw new TypeError(
      `Cannot run t-SNE: expected ${rows} × ${dim} = ${
        rows * dim
      } values, got ${vectors.length}`,
    );
  }
  if (rows > TSNE_MAX_ROWS) {
    throw new RangeError(
      `Cannot run t-SNE: ${rows} rows is above the limit of ${TSNE_MAX_ROWS} (exact t-SNE is O(n²)); plot a sample, such as the most frequent accounts`,
    );
  }
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i]!)) {
      throw new RangeError(
        `Cannot run t-SNE: row ${Math.floor(i / dim)} holds ${vectors[i]}`,
      );
    }
  }
  const perplexity = options.perplexity ?? DEFAULT_PERPLEXITY;
  if (!(perplexity > 0) || perplexity > rows - 1) {
    throw new RangeError(
      `Cannot run t-SNE: perplexity must be in (0, rows - 1 = ${
        rows - 1
      }], got ${perplexity}`,
    );
  }
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 0) {
    throw new RangeError(
      `Cannot run t-SNE: iterations must be a non-negative integer, got ${iterations}`,
    );
  }
  const exaggeration = options.exaggeration ?? EARLY_EXAGGERATION;
  if (!(exaggeration >= 1) || !Number.isFinite(exaggeration)) {
    throw new RangeError(
      `Cannot run t-SNE: exaggeration must be at least 1, got ${exaggeration}`,
    );
  }
  const requested = options.learningRate ?? "auto";
  const learningRate = requested === "auto"
    ? Math.max(
      rows / (AUTO_LEARNING_RATE_DIVISOR * exaggeration),
      MIN_AUTO_LEARNING_RATE,
    )
    : requested;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new RangeError(
      `Cannot run t-SNE: learningRate must be positive or "auto", got ${requested}`,
    );
  }
  const exaggerationIterations = options.exaggerationIterations ??
    Math.min(MAX_EXAGGERATION_ITERATIONS, Math.floor(iterations / 4));
  if (
    !Number.isInteger(exaggerationIterations) || exaggerationIterations < 0
  ) {
    throw new RangeError(
      `Cannot run t-SNE: exaggerationIterations must be a non-negative integer, got ${exaggerationIterations}`,
    );
  }
  const init = options.init ?? "pca";
  if (init !== "pca" && init !== "random") {
    throw new TypeError(
      `Cannot run t-SNE: init must be "pca" or "random", got ${String(init)}`,
    );
  }
  return {
    perplexity,
    iterations,
    learningRate,
    seed: options.seed ?? DEFAULT_SEED,
    init,
    exaggeration,
    exaggerationIterations,
  };
}

/** Symmetric P (`n × n`, row-major) matching the perplexity for every row. */
function jointProbabilities(
  vectors: ArrayLike<number>,
  n: number,
  dim: number,
  perplexity: number,
): Float64Array {
  const p = new Float64Array(n * n);
  const distances = new Float64Array(n);
  const targetEntropy = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let minDistance = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let sum = 0;
      for (let k = 0; k < dim; k++) {
        const d = vectors[i * dim + k]! - vectors[j * dim + k]!;
        sum += d * d;
      }
      distances[j] = sum;
      if (sum < minDistance) minDistance = sum;
    }
    // Distances are shifted by their minimum so exp() never underflows to 0
    // for every neighbour; the shift cancels in the normalisation.
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    const row = i * n;
    for (let step = 0; step < PERPLEXITY_MAX_STEPS; step++) {
      let total = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const shifted = distances[j]! - minDistance;
        const w = Math.exp(-beta * shifted);
        p[row + j] = w;
        total += w;
        weighted += w * shifted;
      }
      const entropy = Math.log(total) + beta * weighted / total;
      for (let j = 0; j < n; j++) p[row + j]! /= total;
      const diff = entropy - targetEntropy;
      if (Math.abs(diff) < PERPLEXITY_TOLERANCE) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
    p[row + i] = 0;
  }
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.max(
        (p[i * n + j]! + p[j * n + i]!) * scale,
        MIN_PROBABILITY,
      );
      p[i * n + j] = v;
      p[j * n + i] = v;
    }
  }
  return p;
}

function initialLayout(
  vectors: ArrayLike<number>,
  n: number,
  dim: number,
  settings: TsneSettings,
): Float64Array {
  const y = new Float64Array(n * OUTPUT_DIM);
  const prng = new Prng(settings.seed);
  if (settings.init === "pca" && dim >= OUTPUT_DIM) {
    const projected = pca(vectors, n, dim, OUTPUT_DIM);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      sum += projected[2 * i]!;
      sumSq += projected[2 * i]! ** 2;
    }
    const std = Math.sqrt(Math.max(sumSq / n - (sum / n) ** 2, 0));
    const scale = std > 0 ? INITIAL_STD / std : 0;
    // A little seeded noise separates duplicate rows, which PCA maps together.
    for (let k = 0; k < n * OUTPUT_DIM; k++) {
      y[k] = projected[k]! * scale + INITIAL_STD * 1e-2 * gaussian(prng);
    }
  } else {
    for (let k = 0; k < n * OUTPUT_DIM; k++) {
      y[k] = INITIAL_STD * gaussian(prng);
    }
  }
  recenter(y, n);
  return y;
}

function recenter(y: Float64Array, n: number): void {
  if (n === 0) return;
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < n; i++) {
    m0 += y[2 * i]!;
    m1 += y[2 * i + 1]!;
  }
  m0 /= n;
  m1 /= n;
  for (let i = 0; i < n; i++) {
    y[2 * i]! -= m0;
    y[2 * i + 1]! -= m1;
  }
}

/** A standard normal draw (Box–Muller). */
function gaussian(prng: Prng): number {
  const u = 1 - prng.random();
  const v = prng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
