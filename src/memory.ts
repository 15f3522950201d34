/**
 * How much memory a training run needs, computed before anything is
 * allocated, and a check against the 4 GiB WebAssembly limit or a caller's
 * cap.
 *
 * The trainer keeps the input and output matrices (V×D f32 each), Adam's
 * four moment matrices and two per-row step counters, one batch buffer per
 * thread and the sigmoid table in one WebAssembly memory, which a wasm32
 * module cannot grow past 4 GiB. The corpus (one i32 per token, one per
 * session boundary) lives in JavaScript memory on one thread, unless it was
 * built straight into the WebAssembly memory (`kernelMemory`); Workers read
 * it from the shared memory. The trained model views its matrices in the
 * WebAssembly memory in place, so returning it copies nothing.
 *
 * @module
 */

/**
 * Bytes of a wasm32 memory at its largest: 65536 pages of 64 KiB.
 *
 * @example
 * ```ts
 * import { estimateTrainingMemory, formatBytes, WASM_MEMORY_LIMIT } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatBytes(WASM_MEMORY_LIMIT), "4 GiB");
 * // 2.7 million accounts of dimension 200: two matrices of about 2 GiB each.
 * const estimate = estimateTrainingMemory({ vocabSize: 2_700_000, dim: 200, tokens: 1, sessions: 1 });
 * assert.ok(estimate.wasmBytes > WASM_MEMORY_LIMIT);
 * ```
 */
export const WASM_MEMORY_LIMIT = 65536 * 65536;
/** Bytes of the kernel's sigmoid table: σ and log σ, 4097 f32 each. */
const SIGMOID_TABLE_BYTES = 2 * (4096 + 1) * 4;
/** Bytes the kernel arena leaves unused at the start of memory. */
const ARENA_BASE_BYTES = 1024;
const F32_BYTES = 4;
const I32_BYTES = 4;
const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

/**
 * What {@linkcode estimateTrainingMemory} needs to know about a run.
 *
 * @example Adam on two threads
 * ```ts
 * import { estimateTrainingMemory, type TrainingMemoryInput } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * const run: TrainingMemoryInput = {
 *   vocabSize: 1000, dim: 64, tokens: 10_000, sessions: 500,
 *   optimizer: "adam", threads: 2, batchPairs: 1024, negatives: 5,
 * };
 * const { parts, wasmBytes, bytes } = estimateTrainingMemory(run);
 * assert.equal(parts.adamMoments, 4 * 1000 * 64 * 4);
 * assert.equal(parts.adamSteps, 2 * 1000 * 4);
 * assert.equal(wasmBytes, bytes); // with Workers, everything is shared memory
 * ```
 */
export interface TrainingMemoryInput {
  /** Accounts in the vocabulary (V). */
  vocabSize: number;
  /** Vector dimension (D). */
  dim: number;
  /** Tokens in the corpus, after `minCount` / `maxVocab`. */
  tokens: number;
  /** Sessions in the corpus. */
  sessions: number;
  /** `"sgd"` or `"adam"`. Default `"sgd"`. */
  optimizer?: "sgd" | "adam";
  /** Worker threads. Default `1`. */
  threads?: number;
  /** Pairs per kernel call. Default `8192`. */
  batchPairs?: number;
  /** Negatives per pair. Default `5`. */
  negatives?: number;
  /** Whether the corpus ids are in WebAssembly memory (built with `kernelMemory`). Default: `threads > 1`. */
  corpusInKernel?: boolean;
}

/**
 * The result of {@linkcode estimateTrainingMemory}.
 *
 * @example On one thread the corpus stays in JavaScript memory
 * ```ts
 * import { estimateTrainingMemory, type TrainingMemoryEstimate } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * const estimate: TrainingMemoryEstimate = estimateTrainingMemory({ vocabSize: 10, dim: 4, tokens: 100, sessions: 9 });
 * const sum = Object.values(estimate.parts).reduce((a, b) => a + b, 0);
 * assert.equal(estimate.bytes, sum);
 * assert.equal(estimate.wasmBytes, sum - estimate.parts.corpusIds! - estimate.parts.corpusOffsets!);
 * assert.equal(estimate.parts.corpusOffsets, (9 + 1) * 4);
 * ```
 */
export interface TrainingMemoryEstimate {
  /** Every part added up: the peak of the run, in bytes. */
  bytes: number;
  /** The parts that live in the WebAssembly memory, in bytes. */
  wasmBytes: number;
  /**
   * Bytes per part: `input`, `output` (V×D×4 each), `adamMoments`
   * (4×V×D×4 with Adam, else 0), `adamSteps` (2×V×4 with Adam, else 0),
   * `corpusIds` (4 per token), `corpusOffsets` (4 per session, plus one),
   * `batches` (centers, contexts, negatives and a gradient row per thread),
   * `sigmoidTable` and `arenaBase` (the unused start of the memory). The
   * trained model views the matrices in place, so there is no copy to add.
   */
  parts: Record<string, number>;
}

/**
 * Options of {@linkcode checkTrainingMemory}.
 *
 * @example Cap a run at 1 MiB
 * ```ts
 * import { checkTrainingMemory, type CheckTrainingMemoryOptions, estimateTrainingMemory } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * const options: CheckTrainingMemoryOptions = { limitBytes: 1024 * 1024 };
 * checkTrainingMemory(estimateTrainingMemory({ vocabSize: 100, dim: 16, tokens: 1000, sessions: 50 }), options);
 * const big = estimateTrainingMemory({ vocabSize: 10_000, dim: 64, tokens: 1000, sessions: 50 });
 * assert.throws(() => checkTrainingMemory(big, options), /above the configured cap of 1 MiB/);
 * ```
 */
export interface CheckTrainingMemoryOptions {
  /** A cap on the whole run's bytes (`bytes` of the estimate). Default none. */
  limitBytes?: number;
}

/** Names of the parts in messages, in the order they are listed. */
const PART_LABELS: Readonly<Record<string, string>> = {
  input: "input",
  output: "output",
  adamMoments: "Adam moments",
  adamSteps: "Adam steps",
  corpusIds: "corpus",
  corpusOffsets: "session offsets",
  batches: "batches",
  sigmoidTable: "sigmoid table",
  arenaBase: "arena base",
};

/**
 * Estimates the memory of a training run from the sizes of its data.
 *
 * @param input Vocabulary size, dimension, corpus size and the options that
 *   change the layout (optimizer, threads, batch size, negatives).
 * @returns The total, the share in WebAssembly memory, and each part.
 * @throws {RangeError} When a size is negative or not an integer, or the
 *   optimizer is unknown.
 *
 * @example
 * ```ts
 * import { estimateTrainingMemory } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * const estimate = estimateTrainingMemory({
 *   vocabSize: 1000, dim: 100, tokens: 50_000, sessions: 2_000,
 * });
 * assert.equal(estimate.parts.input, 1000 * 100 * 4);
 * assert.equal(estimate.parts.output, 1000 * 100 * 4);
 * assert.equal(estimate.parts.adamMoments, 0);
 * assert.equal(estimate.parts.corpusIds, 50_000 * 4);
 * ```
 */
export function estimateTrainingMemory(
  input: TrainingMemoryInput,
): TrainingMemoryEstimate {
  const v = count("vocabSize", input.vocabSize);
  const d = count("dim", input.dim);
  const tokens = count("tokens", input.tokens);
  const sessions = count("sessions", input.sessions);
  const threads = count("threads", input.threads ?? 1);
  const batchPairs = count("batchPairs", input.batchPairs ?? 8192);
  const negatives = count("negatives", input.negatives ?? 5);
  const optimizer = input.optimizer ?? "sgd";
  if (optimizer !== "sgd" && optimizer !== "adam") {
    throw new RangeError(
      `Cannot estimate training memory: unknown optimizer "${optimizer}", expected sgd or adam`,
    );
  }
  if (threads < 1) {
    throw new RangeError(
      `Cannot estimate training memory: threads must be at least 1, got ${threads}`,
    );
  }
  const matrix = v * d * F32_BYTES;
  const adam = optimizer === "adam";
  const perThreadBatch = align16(batchPairs * I32_BYTES) * 2 +
    align16(Math.max(1, batchPairs * negatives) * I32_BYTES) +
    align16(d * F32_BYTES);
  const parts: Record<string, number> = {
    input: matrix,
    output: matrix,
    adamMoments: adam ? 4 * matrix : 0,
    adamSteps: adam ? 2 * v * I32_BYTES : 0,
    corpusIds: tokens * I32_BYTES,
    corpusOffsets: (sessions + 1) * I32_BYTES,
    batches: threads * perThreadBatch,
    sigmoidTable: SIGMOID_TABLE_BYTES,
    arenaBase: ARENA_BASE_BYTES,
  };
  let bytes = 0;
  for (const key in parts) bytes += parts[key]!;
  // Workers read the ids from the shared WebAssembly memory, and so does one
  // thread when the corpus was built there; otherwise they are JavaScript
  // memory. Offsets are copied into shared memory for Workers only.
  const idsInKernel = input.corpusInKernel ?? threads > 1;
  let wasmBytes = bytes;
  if (!idsInKernel) wasmBytes -= parts.corpusIds!;
  if (threads === 1) wasmBytes -= parts.corpusOffsets!;
  return { bytes, wasmBytes, parts };
}

/**
 * Throws when a training run would not fit: its WebAssembly part above the
 * 4 GiB a wasm32 memory can hold, or its total above the caller's cap.
 *
 * @param estimate The result of {@linkcode estimateTrainingMemory}.
 * @param options An optional cap on the total, in bytes.
 * @throws {RangeError} "Cannot train: needs about …" naming the largest
 *   parts and the limit crossed; also when `limitBytes` is not a positive
 *   number.
 *
 * @example
 * ```ts
 * import { checkTrainingMemory, estimateTrainingMemory } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * const small = estimateTrainingMemory({ vocabSize: 100, dim: 8, tokens: 1000, sessions: 10 });
 * checkTrainingMemory(small);
 * const huge = estimateTrainingMemory({ vocabSize: 10_000_000, dim: 300, tokens: 1, sessions: 1 });
 * assert.throws(() => checkTrainingMemory(huge), /above the limit of 4 GiB/);
 * assert.throws(() => checkTrainingMemory(small, { limitBytes: 1024 }), /configured cap of 1 KiB/);
 * ```
 */
export function checkTrainingMemory(
  estimate: TrainingMemoryEstimate,
  options: CheckTrainingMemoryOptions = {},
): void {
  const limit = options.limitBytes;
  if (limit !== undefined && !(limit > 0 && limit < Infinity)) {
    throw new RangeError(
      `Cannot check training memory: limitBytes must be a positive number, got ${limit}`,
    );
  }
  if (estimate.wasmBytes > WASM_MEMORY_LIMIT) {
    throw new RangeError(
      `Cannot train: needs about ${formatBytes(estimate.wasmBytes)} of ` +
        `WebAssembly memory (${describeParts(estimate, true)}), above the ` +
        `limit of 4 GiB (WebAssembly memory); lower dim, maxVocab or ` +
        `batchPairs, or raise minCount`,
    );
  }
  if (limit !== undefined && estimate.bytes > limit) {
    throw new RangeError(
      `Cannot train: needs about ${formatBytes(estimate.bytes)} (${
        describeParts(estimate, false)
      }), above the configured cap of ${formatBytes(limit)}`,
    );
  }
}

/**
 * Formats a byte count with binary units: `512 B`, `1.5 KiB`, `2 MiB`,
 * `1.2 GiB` (one decimal, dropped when zero).
 *
 * @param bytes A non-negative byte count.
 * @returns The short text.
 *
 * @example
 * ```ts
 * import { formatBytes } from "./memory.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatBytes(1536), "1.5 KiB");
 * assert.equal(formatBytes(4 * 1024 ** 3), "4 GiB");
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${oneDecimal(bytes / GIB)} GiB`;
  if (bytes >= MIB) return `${oneDecimal(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${oneDecimal(bytes / KIB)} KiB`;
  return `${bytes} B`;
}

function describeParts(
  estimate: TrainingMemoryEstimate,
  wasmOnly: boolean,
): string {
  const { parts } = estimate;
  const shown: string[] = [];
  for (const key of Object.keys(PART_LABELS)) {
    const size = parts[key] ?? 0;
    if (size === 0) continue;
    if (
      wasmOnly && estimate.bytes !== estimate.wasmBytes &&
      (key === "corpusIds" || key === "corpusOffsets")
    ) continue;
    shown.push(`${PART_LABELS[key]} ${formatBytes(size)}`);
  }
  return shown.join(", ");
}

function oneDecimal(x: number): string {
  const rounded = Math.round(x * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot estimate training memory: ${name} must be a non-negative integer, got ${value}`,
    );
  }
  return value;
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
