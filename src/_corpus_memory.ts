/**
 * Corpora whose ids live in WebAssembly memory, so training reads them where
 * they were written: no copy, and 4 bytes per token at the peak.
 *
 * A corpus built with `kernelMemory` is registered here with its arena and
 * the pointer of its ids; the trainer takes it over (once), lays the
 * matrices out after it, and rebuilds its views after the memory grows.
 *
 * @module
 */

import { KernelArena, type Ptr } from "./kernel/_kernel.ts";
import type { Corpus } from "./corpus.ts";

/** Where a corpus's ids are in kernel memory. */
export interface CorpusMemory {
  /** The arena holding the ids; nothing is allocated after them yet. */
  arena: KernelArena;
  /** Pointer of the first id. */
  ids: Ptr;
}

const registry = new WeakMap<Corpus, CorpusMemory>();

/**
 * Records that `corpus.ids` lives in `memory`.
 *
 * @param corpus The corpus.
 * @param memory Its arena and pointer.
 */
export function registerCorpusMemory(
  corpus: Corpus,
  memory: CorpusMemory,
): void {
  registry.set(corpus, memory);
}

/**
 * Whether a corpus's ids are in kernel memory.
 *
 * @param corpus The corpus.
 * @returns `true` when built with `kernelMemory` and not yet trained on.
 */
export function isCorpusInKernel(corpus: Corpus): boolean {
  return registry.has(corpus);
}

/**
 * Takes over the arena of a corpus built in kernel memory, when it has one of
 * the wanted kind; the corpus is unregistered, so only one run uses it.
 *
 * @param corpus The corpus.
 * @param shared Whether the run needs shared memory (Workers).
 * @returns The arena and pointer, or `undefined`.
 */
export function takeCorpusMemory(
  corpus: Corpus,
  shared: boolean,
): CorpusMemory | undefined {
  const memory = registry.get(corpus);
  if (memory === undefined || memory.arena.shared !== shared) return undefined;
  registry.delete(corpus);
  return memory;
}

/** Growable storage of provisional ids while a corpus is read. */
export interface IdStore {
  /**
   * A view with room for at least `capacity` ids, holding the ids stored so
   * far (views returned earlier may be stale afterwards).
   */
  reserve(capacity: number): Int32Array;
}

/** Ids on the JavaScript heap, doubling as they grow. */
export class HeapIdStore implements IdStore {
  #ids: Int32Array;

  /**
   * @param initial Initial capacity.
   */
  constructor(initial: number) {
    this.#ids = new Int32Array(initial);
  }

  reserve(capacity: number): Int32Array {
    if (this.#ids.length < capacity) {
      let length = this.#ids.length * 2;
      while (length < capacity) length *= 2;
      const bigger = new Int32Array(length);
      bigger.set(this.#ids);
      this.#ids = bigger;
    }
    return this.#ids;
  }
}

/** Smallest growth of a kernel-memory store, in ids (4 MiB). */
const MIN_ARENA_GROWTH = 1 << 20;

/** Ids in WebAssembly memory, growing in place (the memory grows, nothing is copied). */
export class ArenaIdStore implements IdStore {
  /** The arena. */
  readonly arena: KernelArena;
  /** Pointer of the first id. */
  readonly ptr: Ptr;
  #capacity = 0;

  /**
   * @param shared Whether to use shared memory (for Workers).
   */
  constructor(shared: boolean) {
    this.arena = new KernelArena({ shared });
    this.ptr = this.arena.alloc(0);
  }

  reserve(capacity: number): Int32Array {
    if (this.#capacity < capacity) {
      const extra = Math.max(
        capacity - this.#capacity,
        this.#capacity >>> 5,
        MIN_ARENA_GROWTH,
      );
      const at = this.arena.alloc(extra * 4, 4);
      if (at !== this.ptr + this.#capacity * 4) {
        throw new Error(
          "Cannot grow corpus: kernel memory was allocated behind it",
        );
      }
      this.#capacity += extra;
    }
    return this.arena.i32(this.ptr, this.#capacity);
  }

  /**
   * Gives back the room after the first `used` ids, so the next allocation
   * follows them.
   *
   * @param used Ids kept.
   */
  trim(used: number): void {
    this.arena.release(this.ptr + used * 4);
    this.#capacity = used;
  }
}
