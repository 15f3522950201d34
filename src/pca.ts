/**
 * Principal component analysis of embedding vectors, computed exactly.
 *
 * What: centre the rows, form the `dim × dim` sample covariance matrix, and
 * diagonalise it with the cyclic Jacobi eigenvalue algorithm (Golub and
 * Van Loan, "Matrix Computations", 4th ed., §8.5). The rows are then projected
 * onto the eigenvectors of the largest eigenvalues.
 *
 * Where we differ from a textbook PCA: there is no SVD of the data matrix
 * (the covariance is small, `dim × dim`, whatever the number of rows), and
 * each component's sign is fixed so that its largest-magnitude coordinate is
 * positive (the first such coordinate on a tie). The result therefore does
 * not depend on rounding luck: the same input always gives the same output.
 * Jacobi costs O(dim³) per sweep, which is fine for embedding sizes up to a
 * few hundred.
 *
 * @module
 */

/** Stop sweeping when the off-diagonal mass falls below this share of the total. */
const JACOBI_RELATIVE_TOLERANCE = 1e-24;
/** The most Jacobi sweeps; convergence is quadratic, so ~10 is typical. */
const DEFAULT_MAX_SWEEPS = 60;

/**
 * Options of {@linkcode pca} and {@linkcode pcaWithInfo}.
 *
 * @example Without centring, the mean is not subtracted
 * ```ts
 * import { type PcaOptions, pcaWithInfo } from "./pca.ts";
 * import assert from "node:assert/strict";
 *
 * const vectors = Float32Array.of(5, 1, 5, -1);
 * const options: PcaOptions = { center: false, maxSweeps: 10 };
 * const info = pcaWithInfo(vectors, 2, 2, 1, options);
 * assert.deepEqual([...info.mean], [0, 0]);
 * assert.deepEqual([...info.projected], [5, 5]); // the x axis carries the uncentred spread
 * assert.deepEqual([...pcaWithInfo(vectors, 2, 2, 1).mean], [5, 0]);
 * ```
 */
export interface PcaOptions {
  /** Subtract the column means before the analysis. Default `true`. */
  center?: boolean;
  /** The most Jacobi sweeps over the covariance matrix. Default `60`. */
  maxSweeps?: number;
}

/**
 * The result of {@linkcode pcaWithInfo}.
 *
 * @example
 * ```ts
 * import { type PcaResult, pcaWithInfo } from "./pca.ts";
 * import assert from "node:assert/strict";
 *
 * // Three points along z around (1, 1, 1).
 * const vectors = Float32Array.of(1, 1, 0, 1, 1, 1, 1, 1, 2);
 * const result: PcaResult = pcaWithInfo(vectors, 3, 3, 1);
 * assert.deepEqual([...result.mean], [1, 1, 1]);
 * assert.deepEqual([...result.components], [0, 0, 1]);
 * assert.deepEqual([...result.projected], [-1, 0, 1]);
 * assert.equal(result.explainedVariance[0], 1);
 * assert.equal(result.explainedVarianceRatio[0], 1);
 * ```
 */
export interface PcaResult {
  /** The projected rows, row-major, `rows × components`. */
  projected: Float32Array;
  /** The unit principal axes, row-major, `components × dim`. */
  components: Float64Array;
  /** Variance along each component (eigenvalues, descending). */
  explainedVariance: Float64Array;
  /** Each component's share of the total variance, in `[0, 1]`. */
  explainedVarianceRatio: Float64Array;
  /** The column means that were subtracted (zeros when `center` is off). */
  mean: Float64Array;
}

/**
 * Projects row vectors onto their top principal components.
 *
 * @example
 * ```ts
 * import { pca } from "./pca.ts";
 * import assert from "node:assert/strict";
 *
 * // Four points on the line y = 2x in 2-D: one component explains everything.
 * const vectors = Float32Array.of(0, 0, 1, 2, 2, 4, 3, 6);
 * const projected = pca(vectors, 4, 2, 1);
 * assert.equal(projected.length, 4);
 * const step = Math.hypot(1, 2);
 * assert.ok(Math.abs(Math.abs(projected[1]! - projected[0]!) - step) < 1e-5);
 * ```
 *
 * @param vectors Row-major data, `rows × dim`.
 * @param rows Number of rows.
 * @param dim Number of columns.
 * @param components How many components to keep, in `[1, dim]`. Default `2`.
 * @param options Centring and the sweep limit.
 * @returns The projected rows, row-major, `rows × components`.
 */
export function pca(
  vectors: ArrayLike<number>,
  rows: number,
  dim: number,
  components = 2,
  options: PcaOptions = {},
): Float32Array {
  return pcaWithInfo(vectors, rows, dim, components, options).projected;
}

/**
 * Principal component analysis with the axes and explained variance.
 *
 * @example
 * ```ts
 * import { pcaWithInfo } from "./pca.ts";
 * import assert from "node:assert/strict";
 *
 * // Spread 3 along x, 1 along y.
 * const vectors = Float32Array.of(-3, 0, 3, 0, 0, -1, 0, 1);
 * const info = pcaWithInfo(vectors, 4, 2, 2);
 * assert.deepEqual(Array.from(info.components), [1, 0, 0, 1]);
 * assert.ok(Math.abs(info.explainedVarianceRatio[0]! - 0.9) < 1e-12);
 * ```
 *
 * @param vectors Row-major data, `rows × dim`.
 * @param rows Number of rows.
 * @param dim Number of columns.
 * @param components How many components to keep, in `[1, dim]`. Default `2`.
 * @param options Centring and the sweep limit.
 * @returns The projection, the axes, and the variance they explain.
 */
export function pcaWithInfo(
  vectors: ArrayLike<number>,
  rows: number,
  dim: number,
  components = 2,
  options: PcaOptions = {},
): PcaResult {
  validateShape("run PCA", vectors, rows, dim);
  if (!Number.isInteger(components) || components < 1 || components > dim) {
    throw new RangeError(
      `Cannot run PCA: components must be an integer in [1, ${dim}], got ${components}`,
    );
  }
  const maxSweeps = options.maxSweeps ?? DEFAULT_MAX_SWEEPS;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new RangeError(
      `Cannot run PCA: maxSweeps must be a positive integer, got ${maxSweeps}`,
    );
  }
  const mean = new Float64Array(dim);
  if (options.center ?? true) {
    for (let r = 0; r < rows; r++) {
      const base = r * dim;
      for (let j = 0; j < dim; j++) mean[j]! += vectors[base + j]!;
    }
    if (rows > 0) { for (let j = 0; j < dim; j++) mean[j]! /= rows; }
  }

  const covariance = covarianceMatrix(vectors, rows, dim, mean);
  let totalVariance = 0;
  for (let j = 0; j < dim; j++) totalVariance += covariance[j * dim + j]!;
  const eigenvectors = jacobiEigen(covariance, dim, maxSweeps);

  // Eigenvalues sit on the diagonal; order them descending (stable by index).
  const order = Array.from({ length: dim }, (_, i) => i);
  order.sort((a, b) =>
    covariance[b * dim + b]! - covariance[a * dim + a]! || a - b
  );

  const axes = new Float64Array(components * dim);
  const explainedVariance = new Float64Array(components);
  const explainedVarianceRatio = new Float64Array(components);
  for (let c = 0; c < components; c++) {
    const col = order[c]!;
    const value = Math.max(0, covariance[col * dim + col]!);
    explainedVariance[c] = value;
    explainedVarianceRatio[c] = totalVariance > 0 ? value / totalVariance : 0;
    let best = 0;
    for (let j = 0; j < dim; j++) {
      const v = eigenvectors[j * dim + col]!;
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    const sign = best < 0 ? -1 : 1;
    for (let j = 0; j < dim; j++) {
      axes[c * dim + j] = sign * eigenvectors[j * dim + col]!;
    }
  }

  const projected = new Float32Array(rows * components);
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    for (let c = 0; c < components; c++) {
      const axis = c * dim;
      let sum = 0;
      for (let j = 0; j < dim; j++) {
        sum += (vectors[base + j]! - mean[j]!) * axes[axis + j]!;
      }
      projected[r * components + c] = sum;
    }
  }
  return {
    projected,
    components: axes,
    explainedVariance,
    explainedVarianceRatio,
    mean,
  };
}

/** Checks that `vectors` holds `rows × dim` finite numbers. */
function validateShape(
  action: string,
  vectors: ArrayLike<number>,
  rows: number,
  dim: number,
): void {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(
      `Cannot ${action}: rows must be a non-negative integer, got ${rows}`,
    );
  }
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(
      `Cannot ${action}: dim must be a positive integer, got ${dim}`,
    );
  }
  if (vectors.length !== rows * dim) {
    throw new TypeError(
      `Cannot ${action}: expected ${rows} × ${dim} = ${
        rows * dim
      } values, got ${vectors.length}`,
    );
  }
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i]!)) {
      throw new RangeError(
        `Cannot ${action}: row ${Math.floor(i / dim)} holds ${vectors[i]}`,
      );
    }
  }
}

/** Sample covariance (divided by `rows - 1`) of the rows minus `mean`. */
function covarianceMatrix(
  vectors: ArrayLike<number>,
  rows: number,
  dim: number,
  mean: Float64Array,
): Float64Array {
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    for (let j = 0; j < dim; j++) row[j] = vectors[base + j]! - mean[j]!;
    for (let i = 0; i < dim; i++) {
      const x = row[i]!;
      if (x === 0) continue;
      const at = i * dim;
      for (let j = i; j < dim; j++) cov[at + j]! += x * row[j]!;
    }
  }
  const scale = rows > 1 ? 1 / (rows - 1) : 1;
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j]! * scale;
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
  }
  return cov;
}

/**
 * Diagonalises the symmetric matrix `a` in place by cyclic Jacobi rotations.
 * On return the diagonal of `a` holds the eigenvalues.
 *
 * @returns The eigenvectors as the columns of a row-major `n × n` matrix.
 */
function jacobiEigen(
  a: Float64Array,
  n: number,
  maxSweeps: number,
): Float64Array {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  if (total === 0) return v;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    }
    if (off <= JACOBI_RELATIVE_TOLERANCE * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) /
          (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          const newKp = c * akp - s * akq;
          const newKq = s * akp + c * akq;
          a[k * n + p] = newKp;
          a[p * n + k] = newKp;
          a[k * n + q] = newKq;
          a[q * n + k] = newKq;
        }
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return v;
}
