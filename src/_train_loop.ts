/**
 * The epoch loop shared by single-threaded training and each training Worker:
 * fill a batch of pairs straight into kernel memory, train it with one kernel
 * call, repeat.
 *
 * @module
 */

import type { KernelExports, Ptr } from "./kernel/_kernel.ts";
import type { PairStream } from "./pairs.ts";
import type { TrainParams } from "./train_options.ts";

/** Where the trainer's regions live in kernel memory. */
export interface TrainLayout {
  /** σ / log σ table. */
  sigmoid: Ptr;
  /** Input matrix, V × D f32. */
  input: Ptr;
  /** Output matrix, V × D f32. */
  output: Ptr;
  /** Adam moments and step counters (0 with SGD). */
  adam: { mIn: Ptr; vIn: Ptr; mOut: Ptr; vOut: Ptr; tIn: Ptr; tOut: Ptr };
}

/** One thread's batch buffers. */
export interface BatchLayout {
  /** Centers, `batchPairs` i32. */
  centers: Ptr;
  /** Contexts, `batchPairs` i32. */
  contexts: Ptr;
  /** Negatives, `batchPairs × negatives` i32. */
  negatives: Ptr;
  /** Gradient scratch row, `dim` f32. */
  grad: Ptr;
}

/** Int32 values in a `SharedArrayBuffer`, as sent to the Workers. */
export interface SharedInt32s {
  /** The buffer. */
  buffer: SharedArrayBuffer;
  /** Byte offset of the first value. */
  byteOffset: number;
  /** Number of values. */
  length: number;
}

/** A running tally a loop reports. */
export interface LoopTally {
  /** 1-based epoch. */
  epoch: number;
  /** Tokens of this loop's range passed so far in the run. */
  tokensDone: number;
  /** Loss summed over this epoch's pairs so far. */
  lossSum: number;
  /** Pairs trained this epoch so far. */
  pairs: number;
  /** Current learning rate. */
  lr: number;
  /** Whether this tally closes an epoch. */
  epochDone: boolean;
}

/** Rows per block when the vocabulary is split between Workers for negatives. */
export const NEGATIVE_BLOCK_ROWS = 16;

/**
 * Moves each negative into part `part` of `parts`: rows are grouped in blocks
 * of {@linkcode NEGATIVE_BLOCK_ROWS}, block `b` belongs to part `b mod parts`,
 * and a negative moves to the same row of the block of its group that belongs
 * to `part` (blocks of neighbouring ranks, so of similar frequency). Rows whose
 * target would be past `vocabSize` and `-1` entries stay as they are. Workers
 * that draw from different parts never write the same negative row.
 *
 * @param negatives Negative row ids, changed in place.
 * @param count How many entries to change, from index 0.
 * @param part The part to move into, in `[0, parts)`.
 * @param parts The number of parts.
 * @param vocabSize The number of rows.
 * @example
 * ```ts
 * import { partitionNegatives } from "./_train_loop.ts";
 * import assert from "node:assert/strict";
 *
 * const negatives = Int32Array.of(3, 17, 40, -1);
 * partitionNegatives(negatives, 4, 1, 2, 100);
 * assert.deepEqual([...negatives], [19, 17, 56, -1]);
 * ```
 */
export function partitionNegatives(
  negatives: Int32Array,
  count: number,
  part: number,
  parts: number,
  vocabSize: number,
): void {
  for (let k = 0; k < count; k++) {
    const t = negatives[k]!;
    if (t < 0) continue;
    const block = Math.floor(t / NEGATIVE_BLOCK_ROWS);
    const moved = (block - (block % parts) + part) * NEGATIVE_BLOCK_ROWS +
      (t % NEGATIVE_BLOCK_ROWS);
    if (moved < vocabSize) negatives[k] = moved;
  }
}

/** Pairs of the warm-up kernel call (learning rate 0), small so the baseline compile tier returns fast. */
const WARMUP_PAIRS = 256;
/** SGD's learning rate never falls below `lr × MIN_LR_FRACTION` (word2vec). */
export const MIN_LR_FRACTION = 1e-4;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPS = 1e-8;

/**
 * Bytes of one thread's batch buffers.
 *
 * @param params Resolved hyperparameters.
 * @returns The byte count, a multiple of 16.
 */
export function batchBytes(params: TrainParams): number {
  const b = params.batchPairs;
  return align16(b * 4) * 2 + align16(Math.max(1, b * params.negatives) * 4) +
    align16(params.dim * 4);
}

/**
 * Lays out one thread's batch buffers from `base`.
 *
 * @param base A 16-byte aligned pointer with {@linkcode batchBytes} free bytes.
 * @param params Resolved hyperparameters.
 * @returns The batch layout.
 */
export function layoutBatch(base: Ptr, params: TrainParams): BatchLayout {
  const b = params.batchPairs;
  const centers = base;
  const contexts = centers + align16(b * 4);
  const negatives = contexts + align16(b * 4);
  const grad = negatives + align16(Math.max(1, b * params.negatives) * 4);
  return { centers, contexts, negatives, grad };
}

/**
 * Runs every epoch of one pair stream through the kernel.
 *
 * @param kernel The kernel instance.
 * @param views Fresh views of the batch buffers (memory must not grow meanwhile).
 * @param layout Matrix and table pointers.
 * @param batch This thread's batch pointers.
 * @param stream The pair stream over this thread's sessions.
 * @param params Resolved hyperparameters.
 * @param report Called after each batch with the running tally (cheap: keep it light).
 * @param firstEpoch The epoch to start with (after a resumed checkpoint). Default 1.
 * @param onEpochEnd Called after each epoch, e.g. to write a checkpoint.
 * @param negativeParts For Worker `worker` of `workers`: draw negatives in
 *   epoch `e` from part `(worker + e) mod workers` of the vocabulary (see
 *   {@linkcode partitionNegatives}), so concurrent Workers never write the
 *   same negative row and every slice of sessions meets every part in turn.
 */
export function runEpochs(
  kernel: KernelExports,
  views: { centers: Int32Array; contexts: Int32Array; negatives: Int32Array },
  layout: TrainLayout,
  batch: BatchLayout,
  stream: PairStream,
  params: TrainParams,
  report: (tally: LoopTally) => void,
  firstEpoch = 1,
  onEpochEnd?: (epoch: number) => void,
  negativeParts?: { worker: number; workers: number; vocabSize: number },
): void {
  const D = params.dim;
  const N = params.negatives;
  const B = params.batchPairs;
  const epochTokens = stream.epochTokens;
  const tokensTotal = Math.max(1, epochTokens * params.epochs);
  const minLr = params.lr * MIN_LR_FRACTION;
  const adam = params.optimizer === "adam";
  const a = layout.adam;
  const tally: LoopTally = {
    epoch: 0,
    tokensDone: 0,
    lossSum: 0,
    pairs: 0,
    lr: params.lr,
    epochDone: false,
  };
  let warm = false;
  for (let epoch = firstEpoch; epoch <= params.epochs; epoch++) {
    stream.startEpoch();
    tally.epoch = epoch;
    tally.lossSum = 0;
    tally.pairs = 0;
    tally.epochDone = false;
    for (;;) {
      const n = stream.fill(
        views.centers,
        views.contexts,
        views.negatives,
        B,
      );
      if (n === 0) break;
      if (negativeParts !== undefined) {
        const { worker, workers, vocabSize } = negativeParts;
        partitionNegatives(
          views.negatives,
          n * N,
          (worker + epoch) % workers,
          workers,
          vocabSize,
        );
      }
      if (!warm) {
        // A short call at learning rate 0 changes no weight and lets the
        // engine compile the kernel's optimised tier before the real calls.
        warm = true;
        kernel.sgnsStepF32(
          layout.input,
          layout.output,
          batch.centers,
          batch.contexts,
          batch.negatives,
          Math.min(n, WARMUP_PAIRS),
          N,
          D,
          0,
          batch.grad,
          layout.sigmoid,
        );
      }
      const done = (epoch - 1) * epochTokens + stream.tokensDone;
      let loss: number;
      if (adam) {
        loss = kernel.sgnsStepAdamF32(
          layout.input,
          layout.output,
          a.mIn,
          a.vIn,
          a.mOut,
          a.vOut,
          a.tIn,
          a.tOut,
          batch.centers,
          batch.contexts,
          batch.negatives,
          n,
          N,
          D,
          params.lr,
          ADAM_BETA1,
          ADAM_BETA2,
          ADAM_EPS,
          batch.grad,
          layout.sigmoid,
        );
      } else {
        tally.lr = Math.max(minLr, params.lr * (1 - done / tokensTotal));
        loss = kernel.sgnsStepF32(
          layout.input,
          layout.output,
          batch.centers,
          batch.contexts,
          batch.negatives,
          n,
          N,
          D,
          tally.lr,
          batch.grad,
          layout.sigmoid,
        );
      }
      tally.lossSum += loss;
      tally.pairs += n;
      tally.tokensDone = done;
      report(tally);
    }
    tally.tokensDone = epoch * epochTokens;
    tally.epochDone = true;
    report(tally);
    onEpochEnd?.(epoch);
  }
}

/**
 * Rounds up to a multiple of 16.
 *
 * @param n A byte count.
 * @returns The aligned count.
 */
export function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
