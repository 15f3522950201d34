/**
 * The trained embeddings: one vector per account, with similarity queries.
 *
 * Similarity is cosine: the input vectors are L2-normalised once, lazily,
 * into WebAssembly memory, and each query is one flat SIMD scan over them
 * with the top-k selected inside the kernel (a bounded heap: no full sort,
 * no copy of all scores). A batch of queries shares each pass over the
 * matrix. An optional int8 copy of the matrix (a quarter of the memory
 * traffic) serves approximate scans.
 *
 * @module
 */

import type { Vocabulary } from "./vocab.ts";
import type { TrainParams } from "./train_options.ts";
import { KernelArena, type Ptr } from "./kernel/_kernel.ts";

/**
 * One ranked neighbour.
 *
 * @example
 * ```ts
 * import { Model, type Neighbor } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 2, input: Float32Array.of(1, 0, 1, 1) });
 * const [best]: Neighbor[] = model.similar("a", 1);
 * assert.equal(best!.account, "b");
 * assert.ok(Math.abs(best!.score - Math.SQRT1_2) < 1e-6);
 * ```
 */
export interface Neighbor {
  /** The account id. */
  account: string;
  /** Its vocabulary index. */
  index: number;
  /** Cosine similarity to the query, in `[-1, 1]`. */
  score: number;
}

/**
 * Options of similarity queries.
 *
 * @example
 * ```ts
 * import { Model, type SimilarOptions } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b", "c"], [3, 2, 1]), dim: 2, input: Float32Array.of(1, 0, 1, 0.1, 1, 0.2) });
 * const options: SimilarOptions = { exclude: ["b"], precision: "f32" };
 * assert.deepEqual(model.similar("a", 2, options).map((n) => n.account), ["c"]);
 * ```
 */
export interface SimilarOptions {
  /** Account ids never returned. Default none. */
  exclude?: Iterable<string>;
  /**
   * `"f32"`: exact scan of the float vectors. `"int8"`: scan of an int8 copy
   * (built on first use; a quarter of the memory traffic; approximate scores).
   * Default `"f32"`.
   */
  precision?: "f32" | "int8";
}

/** Kernel memory holding the normalised matrix and the query buffers. */
interface ScanIndex {
  arena: KernelArena;
  matrix: Ptr;
  int8: { matrix: Ptr; scales: Ptr } | null;
  buffersMark: number;
  queries: Ptr;
  queryBytes: number;
  outIdx: Ptr;
  outScore: Ptr;
  outSlots: number;
}

/**
 * What a model is made of.
 *
 * @example
 * ```ts
 * import { Model, type ModelInit } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const init: ModelInit = { vocab: new Vocabulary(["a"], [1]), dim: 3, input: new Float32Array(3), params: { dim: 3 } };
 * assert.equal(new Model(init).params.dim, 3);
 * ```
 */
export interface ModelInit {
  /** The accounts, in index order. */
  vocab: Vocabulary;
  /** Vector dimension. */
  dim: number;
  /** Input (account) vectors, `vocab.size × dim`, row-major. */
  input: Float32Array;
  /** Output (context) vectors, `vocab.size × dim`, kept to continue training. Default none. */
  output?: Float32Array | null;
  /** The hyperparameters the model was trained with, when known. Default `{}`. */
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
  #index: ScanIndex | null = null;
  #disposed = false;

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
      const index = this.#scanIndex();
      const n = this.size * this.dim;
      this.#normalized = index.arena.f32(index.matrix, n).slice();
    }
    return this.#normalized;
  }

  /**
   * Frees the kernel memory of the similarity index; queries afterwards throw.
   */
  dispose(): void {
    this.#index = null;
    this.#normalized = null;
    this.#disposed = true;
  }

  #scanIndex(): ScanIndex {
    if (this.#disposed) {
      throw new Error("Cannot search: the model has been disposed");
    }
    if (this.#index === null) {
      const n = this.size * this.dim;
      const arena = new KernelArena({
        initialBytes: n * 4 + SCAN_BUFFER_BYTES,
      });
      const matrix = arena.alloc(n * 4);
      arena.f32(matrix, n).set(this.input);
      arena.kernel.normalizeRowsF32(matrix, matrix, this.size, this.dim);
      this.#index = {
        arena,
        matrix,
        int8: null,
        buffersMark: arena.mark(),
        queries: 0,
        queryBytes: 0,
        outIdx: 0,
        outScore: 0,
        outSlots: 0,
      };
    }
    return this.#index;
  }

  #int8(index: ScanIndex): { matrix: Ptr; scales: Ptr } {
    if (index.int8 === null) {
      const arena = index.arena;
      arena.release(index.buffersMark);
      const matrix = arena.alloc(this.size * this.dim);
      const scales = arena.alloc(this.size * 4);
      arena.kernel.quantizeRowsI8(
        matrix,
        scales,
        index.matrix,
        this.size,
        this.dim,
      );
      index.int8 = { matrix, scales };
      index.buffersMark = arena.mark();
      index.queryBytes = 0;
      index.outSlots = 0;
    }
    return index.int8;
  }

  #reserve(index: ScanIndex, queryBytes: number, outSlots: number): void {
    if (queryBytes <= index.queryBytes && outSlots <= index.outSlots) return;
    const arena = index.arena;
    arena.release(index.buffersMark);
    index.queryBytes = Math.max(queryBytes, index.queryBytes * 2, 1024);
    index.outSlots = Math.max(outSlots, index.outSlots * 2, 256);
    index.queries = arena.alloc(index.queryBytes);
    index.outIdx = arena.alloc(index.outSlots * 4);
    index.outScore = arena.alloc(index.outSlots * 4);
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
    const precision = options.precision ?? "f32";
    if (precision !== "f32" && precision !== "int8") {
      throw new RangeError(
        `Cannot search: precision must be "f32" or "int8", got "${precision}"`,
      );
    }
    const excluded = new Set<number>();
    for (const account of options.exclude ?? []) {
      const i = this.vocab.index(account);
      if (i !== undefined) excluded.add(i);
    }
    const n = queries.length / dim;
    const index = this.#scanIndex();
    const want = Math.min(k + excluded.size, this.size);
    if (want === 0) return Array.from({ length: n }, () => []);
    const unit = normalizeRows(queries, dim);
    const int8 = precision === "int8" ? this.#int8(index) : null;
    const kernel = index.arena.kernel;
    // Query vectors (f32) or codes then scales (int8), then the batched scans' scratch.
    const codeBytes = Math.ceil(n * dim / 16) * 16;
    const queryBytes = int8 === null ? n * dim * 4 : codeBytes + n * 4;
    const scratchBytes = n > 1 ? kernel.scanScratchBytes(n, dim) : 0;
    this.#reserve(index, queryBytes + scratchBytes, n * want);
    const scratch = index.queries + queryBytes;
    const arena = index.arena;
    if (int8 === null) {
      arena.f32(index.queries, n * dim).set(unit);
      if (n === 1) {
        kernel.topKDotF32(
          index.outIdx,
          index.outScore,
          index.matrix,
          index.queries,
          this.size,
          dim,
          want,
        );
      } else if (n > 1) {
        kernel.topKDotBatchF32(
          index.outIdx,
          index.outScore,
          index.matrix,
          index.queries,
          n,
          this.size,
          dim,
          want,
          scratch,
        );
      }
    } else {
      const scales = index.queries + codeBytes;
      const codes = arena.i8(index.queries, n * dim);
      const queryScales = arena.f32(scales, n);
      for (let q = 0; q < n; q++) {
        const { scale, values } = quantizeQuery(
          unit.subarray(q * dim, (q + 1) * dim),
        );
        codes.set(values, q * dim);
        queryScales[q] = scale;
      }
      if (n === 1) {
        kernel.topKDotI8(
          index.outIdx,
          index.outScore,
          int8.matrix,
          int8.scales,
          index.queries,
          queryScales[0]!,
          this.size,
          dim,
          want,
        );
      } else if (n > 1) {
        kernel.topKDotBatchI8(
          index.outIdx,
          index.outScore,
          int8.matrix,
          int8.scales,
          index.queries,
          scales,
          n,
          this.size,
          dim,
          want,
          scratch,
        );
      }
    }
    const ids = arena.i32(index.outIdx, n * want);
    const scores = arena.f32(index.outScore, n * want);
    const results: Neighbor[][] = [];
    for (let q = 0; q < n; q++) {
      const list: Neighbor[] = [];
      for (let j = q * want; j < (q + 1) * want && list.length < k; j++) {
        const i = ids[j]!;
        if (i < 0 || excluded.has(i)) continue;
        list.push({ account: this.vocab.word(i), index: i, score: scores[j]! });
      }
      results.push(list);
    }
    return results;
  }
}

/** Bytes reserved up front for query and result buffers. */
const SCAN_BUFFER_BYTES = 64 * 1024;
/** Largest magnitude of an int8 code. */
const INT8_MAX = 127;

function quantizeQuery(
  query: Float32Array,
): { scale: number; values: Int8Array } {
  let max = 0;
  for (let i = 0; i < query.length; i++) {
    max = Math.max(max, Math.abs(query[i]!));
  }
  const values = new Int8Array(query.length);
  if (max === 0) return { scale: 0, values };
  const inv = INT8_MAX / max;
  for (let i = 0; i < query.length; i++) {
    values[i] = Math.round(query[i]! * inv);
  }
  return { scale: max / INT8_MAX, values };
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
