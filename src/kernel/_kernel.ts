/**
 * The typed wrapper of the WebAssembly kernel and the arena that owns its
 * memory.
 *
 * The kernel (built from `assembly/`) is a set of pure functions over byte
 * offsets into one imported `WebAssembly.Memory`; it allocates nothing. A
 * {@linkcode KernelArena} owns that memory, hands out aligned regions by bump
 * allocation, and builds typed-array views over the current buffer. Modules
 * are compiled synchronously once and cached, so importing this file needs no
 * file or network access. A Worker that received a shared memory by
 * `postMessage` wraps it with {@linkcode KernelArena.attach}.
 *
 * @module
 */

import { KERNEL_WASM, KERNEL_WASM_SHARED } from "./_wasm.ts";

/** A byte offset into the kernel's linear memory. */
export type Ptr = number;

/**
 * The kernel's exports. Matrices are row-major f32 with rows of `dim` floats;
 * index arrays are i32. Pointers need 4-byte alignment; 16-byte aligned rows
 * are faster.
 */
export interface KernelExports {
  /**
   * Trains a batch of skip-gram pairs with SGD in word2vec order; negatives
   * equal to the context or -1 are skipped. `gradScratch` is f32[dim].
   * Returns the summed loss of the batch.
   */
  sgnsStepF32(
    inMatrix: Ptr,
    outMatrix: Ptr,
    centers: Ptr,
    contexts: Ptr,
    negatives: Ptr,
    nPairs: number,
    nNegatives: number,
    dim: number,
    learningRate: number,
    gradScratch: Ptr,
    sigmoidTable: Ptr,
  ): number;
  /**
   * Trains a batch of skip-gram pairs with Adam: per-row moments
   * (`firstIn`/`secondIn` shaped like the input matrix, `firstOut`/`secondOut`
   * like the output matrix) and an i32 step count per row (`stepsIn`,
   * `stepsOut`) for bias correction. Output rows are updated when visited,
   * the center row at the end of its pair. `gradScratch` is f32[dim].
   * Returns the summed loss of the batch.
   */
  sgnsStepAdamF32(
    inMatrix: Ptr,
    outMatrix: Ptr,
    firstIn: Ptr,
    secondIn: Ptr,
    firstOut: Ptr,
    secondOut: Ptr,
    stepsIn: Ptr,
    stepsOut: Ptr,
    centers: Ptr,
    contexts: Ptr,
    negatives: Ptr,
    nPairs: number,
    nNegatives: number,
    dim: number,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    gradScratch: Ptr,
    sigmoidTable: Ptr,
  ): number;
  /** L2-normalises each row of `source` into `target` (may be the same); zero rows stay zero. */
  normalizeRowsF32(target: Ptr, source: Ptr, rows: number, dim: number): void;
  /**
   * `topKDotF32` for `nQueries` queries (`nQueries` × `dim`), outputs
   * `nQueries` × `k`, equal to one `topKDotF32` per query bit for bit. With
   * `scratch` (`scanScratchBytes(nQueries, dim)` bytes, 4-byte aligned) the
   * matrix is read in tiles and an int8 pass skips the pairs that provably
   * miss each query's top `k`; without it (or 0) every pair is scored,
   * several times slower.
   */
  topKDotBatchF32(
    outIndices: Ptr,
    outScores: Ptr,
    matrix: Ptr,
    queries: Ptr,
    nQueries: number,
    rows: number,
    dim: number,
    k: number,
    scratch?: Ptr,
  ): void;
  /**
   * `topKDotI8` for `nQueries` int8 queries (`queriesI8`: `nQueries` × `dim`
   * i8, `queryScales`: f32[nQueries]), outputs `nQueries` × `k`, equal to one
   * `topKDotI8` per query bit for bit. `scratch` as for `topKDotBatchF32`; 0
   * runs `topKDotI8` once per query.
   */
  topKDotBatchI8(
    outIndices: Ptr,
    outScores: Ptr,
    matrixI8: Ptr,
    scales: Ptr,
    queriesI8: Ptr,
    queryScales: Ptr,
    nQueries: number,
    rows: number,
    dim: number,
    k: number,
    scratch: Ptr,
  ): void;
  /**
   * Bytes of the scratch area `topKDotBatchF32` and `topKDotBatchI8` use for
   * `nQueries` queries of `dim` dimensions; 0 when either is not positive or
   * `dim` exceeds 65536 (the scans then run without scratch). Grows with
   * `nQueries` only up to a chunk of queries.
   */
  scanScratchBytes(nQueries: number, dim: number): number;
  /**
   * Symmetric per-row int8 quantisation: `target` (`rows` × `dim` i8) and
   * `scales` (f32[rows]) with `source[r][i] ≈ scales[r] · target[r][i]`.
   */
  quantizeRowsI8(
    target: Ptr,
    scales: Ptr,
    source: Ptr,
    rows: number,
    dim: number,
  ): void;
  /**
   * `topKDotF32` over an int8 matrix from `quantizeRowsI8`, scoring
   * `dot(row, queryI8) · scales[row] · queryScale`. Returns min(k, rows).
   */
  topKDotI8(
    outIndices: Ptr,
    outScores: Ptr,
    matrixI8: Ptr,
    scales: Ptr,
    queryI8: Ptr,
    queryScale: number,
    rows: number,
    dim: number,
    k: number,
  ): number;
  /** Writes `out[r] = matrix[r] · query` for every row. */
  dotRowsF32(
    out: Ptr,
    matrix: Ptr,
    query: Ptr,
    rows: number,
    dim: number,
  ): void;
  /** σ(x) interpolated from the table at `sigmoidTable`. */
  sigmoidF32(sigmoidTable: Ptr, x: number): number;
  /** log σ(x) interpolated from the table at `sigmoidTable`. */
  logSigmoidF32(sigmoidTable: Ptr, x: number): number;
  /**
   * Writes the `k` best rows by dot product with `query`, best first (ties by
   * lower row), padding with index -1 and score -Infinity past `rows`.
   * Returns min(k, rows).
   */
  topKDotF32(
    outIndices: Ptr,
    outScores: Ptr,
    matrix: Ptr,
    query: Ptr,
    rows: number,
    dim: number,
    k: number,
  ): number;
}

/** Intervals of the sigmoid table over `[-SIGMOID_MAX_X, SIGMOID_MAX_X]`. */
export const SIGMOID_TABLE_SIZE = 4096;
/** Beyond ±this, σ is clipped to 0 or 1 and log σ(x) to x or 0. */
export const SIGMOID_MAX_X = 16;
/** Bytes of the sigmoid table: σ then log σ, `SIGMOID_TABLE_SIZE + 1` f32 each. */
export const SIGMOID_TABLE_BYTES = 2 * (SIGMOID_TABLE_SIZE + 1) * 4;

const PAGE_BYTES = 65536;
/** Pages of a 4 GiB wasm32 memory. */
const MAX_PAGES = 65536;
const MAX_BYTES = MAX_PAGES * PAGE_BYTES;
/** First byte handed out by an arena; offset 0 stays unused as a null pointer. */
const ARENA_BASE = 1024;

let plainModule: WebAssembly.Module | undefined;
let sharedModule: WebAssembly.Module | undefined;
/** Modules compiled for one fixed memory size, by `shared|plain:pages`. */
const fixedModules = new Map<string, WebAssembly.Module>();
/** How many fixed-size modules stay cached. */
const FIXED_MODULES_KEPT = 4;
let sigmoidValues: Float32Array | undefined;
/** Set by {@linkcode KernelArena.attach} while it runs the constructor. */
let attaching: WebAssembly.Memory | undefined;
/** Whether the memory being attached was made by a `fixed` arena. */
let attachingFixed = false;

/**
 * Instantiates the kernel over `memory`, synchronously. The compiled modules
 * are cached, so a second instance costs little.
 *
 * @param memory The memory the kernel reads and writes; for `shared`, a
 *   shared memory with `maximum: 65536`.
 * @param shared Whether to use the shared-memory build.
 * @returns The kernel's exports.
 * @example
 * ```ts
 * import { instantiateKernel } from "./_kernel.ts";
 * import assert from "node:assert/strict";
 *
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const kernel = instantiateKernel(memory, false);
 * const f32 = new Float32Array(memory.buffer);
 * f32.set([1, 0, 0, 1, 3, 3], 256); // a 3×2 matrix at byte 1024
 * f32.set([1, 2], 512); // the query at byte 2048
 * assert.equal(kernel.topKDotF32(4096, 4160, 1024, 2048, 3, 2, 2), 2);
 * assert.deepEqual([...new Int32Array(memory.buffer, 4096, 2)], [2, 1]);
 * ```
 */
export function instantiateKernel(
  memory: WebAssembly.Memory,
  shared: boolean,
  fixedPages?: number,
): KernelExports {
  let module: WebAssembly.Module;
  if (fixedPages !== undefined) {
    const key = `${shared ? "shared" : "plain"}:${fixedPages}`;
    module = fixedModules.get(key) ?? new WebAssembly.Module(
      withMemoryLimits(
        shared ? KERNEL_WASM_SHARED : KERNEL_WASM,
        fixedPages,
      ) as Uint8Array<ArrayBuffer>,
    );
    // Most recently used last; a long-lived process keeps only a few sizes.
    fixedModules.delete(key);
    fixedModules.set(key, module);
    if (fixedModules.size > FIXED_MODULES_KEPT) {
      fixedModules.delete(fixedModules.keys().next().value!);
    }
  } else if (shared) {
    module = sharedModule ??= new WebAssembly.Module(
      KERNEL_WASM_SHARED as Uint8Array<ArrayBuffer>,
    );
  } else {
    module = plainModule ??= new WebAssembly.Module(
      KERNEL_WASM as Uint8Array<ArrayBuffer>,
    );
  }
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(message: number, file: number, line: number, column: number) {
        const text = readAsString(memory, message) ?? "abort";
        const where = readAsString(memory, file) ?? "kernel";
        throw new Error(
          `Kernel aborted: ${text} at ${where}:${line}:${column}`,
        );
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}

/**
 * Rewrites the limits of a module's imported memory to exactly `pages` pages
 * (minimum = maximum), keeping its shared flag. The engine then knows the
 * memory can never grow and compiles bounds checks against a constant: V8
 * without a trap handler (Deno) otherwise reloads a shared memory's size
 * before accesses, about 10% of the SGNS kernel's time.
 *
 * @param bytes A WebAssembly module importing one memory.
 * @param pages The memory's size in pages.
 * @returns The rewritten module bytes.
 * @example
 * ```ts
 * import { KERNEL_WASM } from "./_wasm.ts";
 * import { withMemoryLimits } from "./_kernel.ts";
 * import assert from "node:assert/strict";
 *
 * const module = new WebAssembly.Module(withMemoryLimits(KERNEL_WASM, 2) as Uint8Array<ArrayBuffer>);
 * const memory = new WebAssembly.Memory({ initial: 2, maximum: 2 });
 * assert.ok(new WebAssembly.Instance(module, { env: { memory, abort() {} } }));
 * ```
 */
export function withMemoryLimits(
  bytes: Uint8Array,
  pages: number,
): Uint8Array {
  let at = 8;
  const fail = (what: string): never => {
    throw new Error(`Cannot rewrite the kernel's memory limits: ${what}`);
  };
  const u32 = (): number => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = bytes[at++];
      if (byte === undefined) fail("truncated module");
      value += (byte! & 0x7f) * 2 ** shift;
      if ((byte! & 0x80) === 0) return value;
    }
    return fail("bad LEB128 number");
  };
  const leb = (value: number): number[] => {
    const out: number[] = [];
    do {
      let byte = value & 0x7f;
      value = Math.floor(value / 128);
      if (value > 0) byte |= 0x80;
      out.push(byte);
    } while (value > 0);
    return out;
  };
  while (at < bytes.length) {
    const idAt = at;
    const id = bytes[at++];
    const size = u32();
    const body = at;
    const end = body + size;
    if (id !== 2) {
      at = end;
      continue;
    }
    const count = u32();
    for (let i = 0; i < count; i++) {
      for (let name = 0; name < 2; name++) {
        const length = u32(); // module name, then field name
        at += length;
      }
      const kind = bytes[at++];
      if (kind === 0) {
        u32();
      } else if (kind === 2) {
        const limitsAt = at;
        const flags = bytes[at++]!;
        if (flags > 3) fail(`unsupported memory flags ${flags}`);
        u32();
        if ((flags & 1) !== 0) u32();
        const limits = [flags | 1, ...leb(pages), ...leb(pages)];
        const newBody = [
          ...bytes.subarray(body, limitsAt),
          ...limits,
          ...bytes.subarray(at, end),
        ];
        return Uint8Array.from([
          ...bytes.subarray(0, idAt),
          2,
          ...leb(newBody.length),
          ...newBody,
          ...bytes.subarray(end),
        ]);
      } else {
        fail(`unexpected import kind ${kind}`);
      }
    }
    at = end;
  }
  return fail("no imported memory");
}

/** Decodes an AssemblyScript string (UTF-16, byte length at `ptr - 4`). */
function readAsString(memory: WebAssembly.Memory, ptr: number): string | null {
  const buffer = memory.buffer;
  if (ptr < 4 || ptr >= buffer.byteLength) return null;
  const bytes = new DataView(buffer).getUint32(ptr - 4, true);
  if (ptr + bytes > buffer.byteLength) return null;
  const units = new Uint16Array(buffer.slice(ptr, ptr + (bytes & ~1)));
  return String.fromCharCode(...units);
}

/** Options of {@linkcode KernelArena}. */
export interface KernelArenaOptions {
  /**
   * Back the arena with a shared memory (a `SharedArrayBuffer`, maximum 4
   * GiB) so Workers can train over it. Default `false`.
   */
  shared?: boolean;
  /** Bytes to reserve up front. Default `0` (one page is always there). */
  initialBytes?: number;
  /**
   * Fix the memory at `initialBytes` (rounded up to whole pages): it never
   * grows, `alloc` past its end throws, and the kernel is compiled for that
   * size, which spares it reloading the memory size before accesses (about
   * 10% of the training kernel's time on shared memory). Default `false`.
   */
  fixed?: boolean;
}

/**
 * A bump allocator over one kernel memory, with the kernel instantiated on it.
 *
 * Views (`f32`, `i32`, `u8`, `i8`) are built over the current
 * `memory.buffer` at each call: never keep one across an `alloc` or a kernel
 * call that may grow memory.
 *
 * @example
 * ```ts
 * import { KernelArena } from "./_kernel.ts";
 * import assert from "node:assert/strict";
 *
 * const arena = new KernelArena();
 * const mat = arena.alloc(3 * 2 * 4);
 * const query = arena.alloc(2 * 4);
 * const idx = arena.alloc(2 * 4);
 * const score = arena.alloc(2 * 4);
 * arena.f32(mat, 6).set([1, 0, 0, 1, 3, 3]);
 * arena.f32(query, 2).set([1, 2]);
 * assert.equal(arena.kernel.topKDotF32(idx, score, mat, query, 3, 2, 2), 2);
 * assert.deepEqual([...arena.i32(idx, 2)], [2, 1]);
 * assert.deepEqual([...arena.f32(score, 2)], [9, 2]);
 * ```
 */
export class KernelArena {
  /** The memory the kernel works on. */
  readonly memory: WebAssembly.Memory;
  /** The kernel instantiated over {@linkcode KernelArena.memory}. */
  readonly kernel: KernelExports;
  /** Whether the memory is shared. */
  readonly shared: boolean;
  #top: number;
  #owned: boolean;

  /**
   * Creates an arena with a fresh memory.
   *
   * @param options See {@linkcode KernelArenaOptions}.
   */
  constructor(options: KernelArenaOptions = {}) {
    if (attaching !== undefined) {
      const memory = attaching;
      attaching = undefined;
      this.memory = memory;
      this.shared = typeof SharedArrayBuffer !== "undefined" &&
        memory.buffer instanceof SharedArrayBuffer;
      this.kernel = instantiateKernel(
        memory,
        this.shared,
        attachingFixed ? memory.buffer.byteLength / PAGE_BYTES : undefined,
      );
      this.#top = memory.buffer.byteLength;
      this.#owned = false;
      return;
    }
    const shared = options.shared ?? false;
    const initialBytes = options.initialBytes ?? 0;
    if (!(initialBytes >= 0 && initialBytes <= MAX_BYTES - ARENA_BASE)) {
      throw new RangeError(
        `Cannot create kernel arena: initialBytes must be in [0, ${
          MAX_BYTES - ARENA_BASE
        }], got ${initialBytes}`,
      );
    }
    const initial = Math.max(
      1,
      Math.ceil((ARENA_BASE + initialBytes) / PAGE_BYTES),
    );
    const fixed = options.fixed ?? false;
    this.memory = shared
      ? new WebAssembly.Memory({
        initial,
        maximum: fixed ? initial : MAX_PAGES,
        shared: true,
      })
      : new WebAssembly.Memory(
        fixed ? { initial, maximum: initial } : { initial },
      );
    this.shared = shared;
    this.kernel = instantiateKernel(
      this.memory,
      shared,
      fixed ? initial : undefined,
    );
    this.#top = ARENA_BASE;
    this.#owned = true;
  }

  /**
   * Wraps a memory created elsewhere (typically a shared memory a Worker
   * received by `postMessage`): the kernel is instantiated over it and views
   * work, but `alloc` throws, since the owner lays the memory out.
   *
   * @param memory A memory made by another arena.
   * @param fixed Whether that arena was made `fixed` (the kernel is then
   *   compiled for the memory's size, as the owner's was).
   * @returns An arena over `memory` that cannot allocate.
   * @example
   * ```ts
   * import { KernelArena } from "./_kernel.ts";
   * import assert from "node:assert/strict";
   *
   * const owner = new KernelArena({ shared: true });
   * const ptr = owner.alloc(8);
   * owner.f32(ptr, 2).set([1.5, 2.5]);
   * const worker = KernelArena.attach(owner.memory);
   * assert.equal(worker.shared, true);
   * assert.deepEqual([...worker.f32(ptr, 2)], [1.5, 2.5]);
   * assert.throws(() => worker.alloc(4), Error);
   * ```
   */
  static attach(memory: WebAssembly.Memory, fixed = false): KernelArena {
    attaching = memory;
    attachingFixed = fixed;
    try {
      return new KernelArena();
    } finally {
      attaching = undefined;
      attachingFixed = false;
    }
  }

  /** Bytes in use: the end of the last allocation. */
  get bytesUsed(): number {
    return this.#top;
  }

  /**
   * Reserves `bytes` bytes aligned to `align`, growing memory as needed.
   * The new region is zero only if it was never used before.
   *
   * @param bytes A non-negative integer.
   * @param align A power of two. Default `16`.
   * @returns The region's byte offset.
   */
  alloc(bytes: number, align = 16): Ptr {
    if (!this.#owned) {
      throw new Error(
        "Cannot allocate: this arena is attached to a memory laid out by its owner",
      );
    }
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new RangeError(
        `Cannot allocate: bytes must be a non-negative integer, got ${bytes}`,
      );
    }
    if (!Number.isInteger(align) || align < 1 || (align & (align - 1)) !== 0) {
      throw new RangeError(
        `Cannot allocate: align must be a power of two, got ${align}`,
      );
    }
    const start = Math.ceil(this.#top / align) * align;
    const end = start + bytes;
    if (end > MAX_BYTES) {
      throw new RangeError(
        `Cannot allocate ${bytes} bytes: the arena would reach ${end} bytes, over the 4 GiB WebAssembly limit`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      try {
        this.memory.grow(pages);
      } catch (error) {
        throw new RangeError(
          `Cannot allocate ${bytes} bytes: growing memory by ${pages} pages failed (${
            (error as Error).message
          })`,
        );
      }
    }
    this.#top = end;
    return start;
  }

  /**
   * The current allocation point, to return to with
   * {@linkcode KernelArena.release}.
   *
   * @returns An opaque mark.
   */
  mark(): number {
    return this.#top;
  }

  /**
   * Frees every allocation made since `mark` was taken.
   *
   * @param mark A value from {@linkcode KernelArena.mark}.
   */
  release(mark: number): void {
    if (!(mark >= ARENA_BASE && mark <= this.#top)) {
      throw new RangeError(
        `Cannot release arena: mark must be in [${ARENA_BASE}, ${this.#top}], got ${mark}`,
      );
    }
    this.#top = mark;
  }

  /**
   * A fresh `Float32Array` view of `length` floats at `ptr`.
   *
   * @param ptr A 4-byte aligned offset.
   * @param length Element count.
   * @returns The view.
   */
  f32(ptr: Ptr, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /**
   * A fresh `Int32Array` view of `length` integers at `ptr`.
   *
   * @param ptr A 4-byte aligned offset.
   * @param length Element count.
   * @returns The view.
   */
  i32(ptr: Ptr, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /**
   * A fresh `Uint8Array` view of `length` bytes at `ptr`.
   *
   * @param ptr An offset.
   * @param length Byte count.
   * @returns The view.
   */
  u8(ptr: Ptr, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  /**
   * A fresh `Int8Array` view of `length` bytes at `ptr`.
   *
   * @param ptr An offset.
   * @param length Byte count.
   * @returns The view.
   */
  i8(ptr: Ptr, length: number): Int8Array {
    return new Int8Array(this.memory.buffer, ptr, length);
  }

  /**
   * Writes the sigmoid table the training kernels read at `ptr`
   * ({@linkcode SIGMOID_TABLE_BYTES} bytes, 4-byte aligned).
   *
   * @param ptr Where to write the table.
   */
  fillSigmoidTable(ptr: Ptr): void {
    this.f32(ptr, 2 * (SIGMOID_TABLE_SIZE + 1)).set(sigmoidTableValues());
  }
}

/**
 * The sigmoid table: σ(x_i) then log σ(x_i) at
 * `x_i = -SIGMOID_MAX_X + i · 2 · SIGMOID_MAX_X / SIGMOID_TABLE_SIZE`,
 * `i = 0..SIGMOID_TABLE_SIZE`. Computed once; do not modify the result.
 *
 * @returns The `2 · (SIGMOID_TABLE_SIZE + 1)` values.
 * @example
 * ```ts
 * import { SIGMOID_TABLE_SIZE, sigmoidTableValues } from "./_kernel.ts";
 * import assert from "node:assert/strict";
 *
 * const table = sigmoidTableValues();
 * assert.equal(table[SIGMOID_TABLE_SIZE / 2], 0.5);
 * const logSigmoidAtZero = table[SIGMOID_TABLE_SIZE + 1 + SIGMOID_TABLE_SIZE / 2]!;
 * assert.ok(Math.abs(logSigmoidAtZero - Math.log(0.5)) < 1e-6);
 * ```
 */
export function sigmoidTableValues(): Float32Array {
  if (sigmoidValues === undefined) {
    const n = SIGMOID_TABLE_SIZE + 1;
    const values = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const x = -SIGMOID_MAX_X + (i * 2 * SIGMOID_MAX_X) / SIGMOID_TABLE_SIZE;
      values[i] = 1 / (1 + Math.exp(-x));
      values[n + i] = x < 0
        ? x - Math.log1p(Math.exp(x))
        : -Math.log1p(Math.exp(-x));
    }
    sigmoidValues = values;
  }
  return sigmoidValues;
}
