/**
 * The trained embeddings: one vector per account, with similarity queries.
 *
 * Similarity is cosine: the input vectors are L2-normalised once, lazily,
 * and queries rank every account by a dot product with the normalised query.
 *
 * @module
 */

import { Vocabulary } from "./vocab.ts";
import type { TrainParams } from "./train_options.ts";

/** One ranked neighbour. */
export interface Neighbor {
  /** The account id. */
  account: string;
  /** Its vocabulary index. */
  index: number;
  /** Cosine similarity to the query, in `[-1, 1]`. */
  score: number;
}

/** Options of similarity queries. */
export interface SimilarOptions {
  /** Account ids never returned. Default none. */
  exclude?: Iterable<string>;
}

/** What a model is made of. */
export interface ModelInit {
  /** The accounts, in index order. */
  vocab: Vocabulary;
  /** Vector dimension. */
  dim: number;
  /** Input (account) vectors, `vocab.size × dim`, row-major. */
  input: Float32Array;
  /** Output (context) vectors, `vocab.size × dim`, kept to continue training. Default none. */
  output?: Float32Array | null;
  /** The hyperparameters the model was trained with, when known. */
  params?: Partial<TrainParams>;
}

/**
 * Account embeddings with cosine similarity queries.
 *
 * Unknown accounts: {@linkcode Model.vector} returns `undefined`;
 * {@linkcode Model.similar} throws a `RangeError`.
 *
 * @example
 * ```ts
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["a", "b", "c"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * assert.equal(model.similar("a", 1)[0]!.account, "b");
 * assert.equal(model.vector("z"), undefined);
 * ```
 */
export class Model {
  /** The accounts, in index order. */
  readonly vocab: Vocabulary;
  /** Vector dimension. */
  readonly dim: number;
  /** Input (account) vectors, `vocab.size × dim`. */
  readonly input: Float32Array;
  /** Output (context) vectors, or `null` when not kept. */
  readonly output: Float32Array | null;
  /** The hyperparameters the model was trained with, as far as known. */
  readonly params: Partial<TrainParams>;
  #normalized: Float32Array | null = null;

  /**
   * Creates a model from its parts (vectors are used, not copied).
   *
   * @param init Vocabulary, dimension and matrices.
   */
  constructor(init: ModelInit) {
    const { vocab, dim, input } = init;
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(
        `Cannot create model: dim must be a positive integer, got ${dim}`,
      );
    }
    if (input.length !== vocab.size * dim) {
      throw new TypeError(
        `Cannot create model: input has ${input.length} floats, expected ${vocab.size} × ${dim}`,
      );
    }
    const output = init.output ?? null;
    if (output !== null && output.length !== input.length) {
      throw new TypeError(
        `Cannot create model: output has ${output.length} floats, expected ${input.length}`,
      );
    }
    this.vocab = vocab;
    this.dim = dim;
    this.input = input;
    this.output = output;
    this.params = { ...(init.params ?? {}) };
  }

  /** Number of accounts. */
  get size(): number {
    return this.vocab.size;
  }

  /**
   * The vector of an account (a copy).
   *
   * @param account The account id.
   * @returns Its vector, or `undefined` when the account is unknown.
   */
  vector(account: string): Float32Array | undefined {
    const i = this.vocab.index(account);
    if (i === undefined) return undefined;
    return this.input.slice(i * this.dim, (i + 1) * this.dim);
  }

  /**
   * The L2-normalised input vectors (computed once, then cached).
   *
   * @returns A `size × dim` matrix whose non-zero rows have unit length.
   */
  normalized(): Float32Array {
    if (this.#normalized === null) {
      this.#normalized = normalizeRows(this.input, this.dim);
    }
    return this.#normalized;
  }

  /**
   * The `k` accounts most similar to `account`, excluding itself.
   *
   * @param account A known account id.
   * @param k How many neighbours, default 10.
   * @param options Accounts to exclude.
   * @returns Neighbours by descending cosine similarity.
   */
  similar(account: string, k = 10, options: SimilarOptions = {}): Neighbor[] {
    const i = this.vocab.index(account);
    if (i === undefined) {
      throw new RangeError(
        `Cannot find similar accounts: unknown account "${account}"`,
      );
    }
    const exclude = new Set(options.exclude ?? []);
    exclude.add(account);
    return this.similarToVector(
      this.input.subarray(i * this.dim, (i + 1) * this.dim),
      k,
      {
        exclude,
      },
    );
  }

  /**
   * The `k` accounts most similar to a vector.
   *
   * @param vector A vector of length `dim`.
   * @param k How many neighbours, default 10.
   * @param options Accounts to exclude.
   * @returns Neighbours by descending cosine similarity (ties: lower index first).
   */
  similarToVector(
    vector: ArrayLike<number>,
    k = 10,
    options: SimilarOptions = {},
  ): Neighbor[] {
    return this.similarBatch(
      Float32Array.from(vector as ArrayLike<number>),
      k,
      options,
    )[0]!;
  }

  /**
   * The `k` most similar accounts for each of many query vectors.
   *
   * @param queries `n × dim` query vectors, row-major.
   * @param k How many neighbours per query, default 10.
   * @param options Accounts to exclude from every answer.
   * @returns One neighbour list per query.
   */
  similarBatch(
    queries: Float32Array,
    k = 10,
    options: SimilarOptions = {},
  ): Neighbor[][] {
    const dim = this.dim;
    if (queries.length % dim !== 0) {
      throw new TypeError(
        `Cannot search: query length ${queries.length} is not a multiple of dim ${dim}`,
      );
    }
    if (!Number.isInteger(k) || k < 0) {
      throw new RangeError(
        `Cannot search: k must be a non-negative integer, got ${k}`,
      );
    }
    const excluded = new Set<number>();
    for (const account of options.exclude ?? []) {
      const i = this.vocab.index(account);
      if (i !== undefined) excluded.add(i);
    }
    const n = queries.length / dim;
    const mat = this.normalized();
    const results: Neighbor[][] = [];
    const want = Math.min(k + excluded.size, this.size);
    for (let q = 0; q < n; q++) {
      const query = normalizeRows(
        queries.subarray(q * dim, (q + 1) * dim),
        dim,
      );
      const top = topKDot(mat, query, this.size, dim, want);
      const list: Neighbor[] = [];
      for (const [index, score] of top) {
        if (excluded.has(index)) continue;
        if (list.length >= k) break;
        list.push({ account: this.vocab.word(index), index, score });
      }
      results.push(list);
    }
    return results;
  }
}

function normalizeRows(src: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r * dim < src.length; r++) {
    let s = 0;
    const base = r * dim;
    for (let j = 0; j < dim; j++) s += src[base + j]! * src[base + j]!;
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < dim; j++) out[base + j] = src[base + j]! * inv;
    }
  }
  return out;
}

function topKDot(
  mat: Float32Array,
  query: Float32Array,
  rows: number,
  dim: number,
  k: number,
): [number, number][] {
  const scored: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const base = r * dim;
    for (let j = 0; j < dim; j++) s += mat[base + j]! * query[j]!;
    scored.push([r, s]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return scored.slice(0, k);
}
