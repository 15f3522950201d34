/**
 * Training: skip-gram with negative sampling (SGNS) over account sessions.
 *
 * Reference: Mikolov et al., "Distributed Representations of Words and
 * Phrases and their Compositionality" (2013), and the word2vec C tool. As
 * there, SGD decays the learning rate linearly from `lr` to `lr × 1e-4` over
 * the run and frequent accounts are subsampled per epoch. Where we differ:
 * the vocabulary order is deterministic (count, then id), pairs are streamed
 * in batches into WebAssembly memory and trained by one kernel call per
 * batch, negatives may be drawn from several samplers (including hard
 * negatives outside the center's session), and Adam with per-row state is an
 * option.
 *
 * @module
 */

import { buildCorpus, buildCorpusSync, type Corpus } from "./corpus.ts";
import { Model } from "./model.ts";
import { PairStream } from "./pairs.ts";
import { Prng } from "./prng.ts";
import type { Session } from "./records.ts";
import {
  resolveTrainOptions,
  type TrainOptions,
  type TrainParams,
} from "./train_options.ts";
import type { Vocabulary } from "./vocab.ts";
import { checkTrainingMemory, estimateTrainingMemory } from "./memory.ts";
import { isCorpusInKernel, takeCorpusMemory } from "./_corpus_memory.ts";
import {
  type AdamState,
  saveCheckpointSync,
  type TrainCheckpoint,
} from "./checkpoint.ts";
import { KernelArena, SIGMOID_TABLE_BYTES } from "./kernel/_kernel.ts";
import {
  align16,
  batchBytes,
  layoutBatch,
  runEpochs,
  type SharedInt32s,
  type TrainLayout,
} from "./_train_loop.ts";

/**
 * Progress of a training run, reported through `onProgress`.
 *
 * @example
 * ```ts
 * import { type TrainProgress, trainSync } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * const reports: TrainProgress[] = [];
 * trainSync([["a", "b", "c"], ["b", "c", "d"]], {
 *   dim: 4, epochs: 3, negatives: 2, onProgress: (p) => reports.push(p),
 * });
 * const ends = reports.filter((p) => p.epochDone);
 * assert.deepEqual(ends.map((p) => p.epoch), [1, 2, 3]);
 * assert.equal(ends[2]!.tokensDone, ends[2]!.tokensTotal);
 * ```
 */
export interface TrainProgress {
  /** The current epoch, 1-based. */
  epoch: number;
  /** Epochs in the run. */
  epochs: number;
  /** Tokens processed so far in the run (all epochs, before subsampling). */
  tokensDone: number;
  /** Tokens the whole run will process (`epochs × corpus tokens`). */
  tokensTotal: number;
  /** Tokens per second since the start of the run. */
  tokensPerSecond: number;
  /** Mean loss per pair so far in this epoch (accumulated in float64). */
  meanLoss: number;
  /** The current learning rate. */
  lr: number;
  /** Seconds since the start of the run. */
  seconds: number;
  /** `true` on the report that closes an epoch. */
  epochDone: boolean;
}

/**
 * Options of {@linkcode train} and {@linkcode trainSync}: the hyperparameters
 * (see `TrainOptions` for their defaults) plus callbacks, checkpoints and the
 * global context.
 *
 * @example
 * ```ts
 * import { type TrainRunOptions, trainSync } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * // "follow" joins every window of the first session without being in it.
 * const options: TrainRunOptions = {
 *   dim: 8, negatives: 2, epochs: 5, globalContext: ["follow", undefined, undefined],
 * };
 * const model = trainSync([["a", "b"], ["c", "d"], ["follow", "e"]], options);
 * assert.ok(model.vocab.has("follow"));
 * ```
 */
export interface TrainRunOptions extends TrainOptions {
  /** Called about every `progressInterval` seconds and at the end of each epoch. Default none. */
  onProgress?: (progress: TrainProgress) => void;
  /** Seconds between progress reports. Default `0.5`. */
  progressInterval?: number;
  /** Per session (in input order) an account that joins every window of the session, or `undefined`. Default none. */
  globalContext?: readonly (string | undefined)[];
  /** Write a checkpoint to `path` every `every` epochs (default 1; one thread only). Default none. */
  checkpoint?: { path: string; every?: number };
  /** Continue a run from a checkpoint of the same sessions and options (one thread only). Default none. */
  resume?: TrainCheckpoint;
  /** Refuse, before training, a run whose memory estimate exceeds this many bytes. Default none (only the 4 GiB WebAssembly limit). */
  memoryLimit?: number;
}

/**
 * Sessions as training accepts them: arrays of account ids or session records.
 *
 * @example
 * ```ts
 * import { type SessionInput, trainSync } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions: SessionInput[] = [["a", "b", "c"], { accounts: ["c", "d"], user: "u1" }];
 * assert.equal(trainSync(sessions, { dim: 4, negatives: 2, epochs: 1 }).vocab.size, 4);
 * ```
 */
export type SessionInput = readonly string[] | Session;

/** Initial vectors are uniform in `±INIT_SCALE / dim` (gensim's choice; word2vec uses half). */
const INIT_SCALE = 1;

/**
 * Trains account embeddings from sessions, on one thread.
 *
 * Same sessions, same options and the same seed give a byte-identical model.
 *
 * @param sessions Sessions: arrays of account ids, or {@linkcode Session} records.
 * @param options Hyperparameters (see `TrainOptions` for defaults) and a progress callback.
 * @returns The trained model.
 *
 * @example
 * ```ts
 * import { trainSync } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = [["a", "b", "c"], ["a", "b"], ["x", "y", "z"], ["y", "z"]];
 * const model = trainSync(sessions, { dim: 8, epochs: 50, sample: 0, seed: 7 });
 * assert.equal(model.vocab.size, 6);
 * assert.equal(model.similar("a", 1).length, 1);
 * ```
 */
export function trainSync(
  sessions: Iterable<SessionInput>,
  options: TrainRunOptions = {},
): Model {
  const params = resolveTrainOptions(options);
  const built = buildCorpusSync(sessions as Iterable<Session>, {
    minCount: params.minCount,
    maxVocab: params.maxVocab,
  });
  return trainCorpus(built.vocab, built.corpus, params, options);
}

/**
 * Trains account embeddings from sessions (sync or async iterables).
 *
 * With `threads: 1` (the default) this is {@linkcode trainSync} on a streamed corpus.
 *
 * @param sessions Sessions, possibly streamed from a file reader.
 * @param options Hyperparameters and a progress callback.
 * @returns The trained model.
 *
 * @example
 * ```ts
 * import { train } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * const model = await train([["a", "b"], ["b", "c"]], { dim: 4, epochs: 2, negatives: 2 });
 * assert.equal(model.dim, 4);
 * ```
 */
export async function train(
  sessions: Iterable<SessionInput> | AsyncIterable<SessionInput>,
  options: TrainRunOptions = {},
): Promise<Model> {
  const params = resolveTrainOptions(options);
  const built = await buildCorpus(sessions as AsyncIterable<Session>, {
    minCount: params.minCount,
    maxVocab: params.maxVocab,
  });
  return await trainCorpusParallel(built.vocab, built.corpus, params, options);
}

/**
 * Trains on an encoded corpus, on one thread.
 *
 * @example
 * ```ts
 * import { trainCorpus } from "./train.ts";
 * import { buildCorpusSync } from "./corpus.ts";
 * import { resolveTrainOptions } from "./train_options.ts";
 * import assert from "node:assert/strict";
 *
 * const { vocab, corpus } = buildCorpusSync([["a", "b", "c"], ["b", "c", "d"]]);
 * const model = trainCorpus(vocab, corpus, resolveTrainOptions({ dim: 4, negatives: 2, epochs: 2 }));
 * assert.equal(model.input.length, 4 * 4);
 * ```
 *
 * @param vocab The vocabulary the corpus ids refer to.
 * @param corpus Session offsets and account ids.
 * @param params Resolved hyperparameters.
 * @param options Callbacks and the optional global context.
 * @returns The trained model.
 */
export function trainCorpus(
  vocab: Vocabulary,
  corpus: Corpus,
  params: TrainParams,
  options: Omit<TrainRunOptions, keyof TrainOptions> = {},
): Model {
  checkBeforeTraining(vocab, corpus, params, 1, options.memoryLimit);
  // The kernel gets a memory of its own, fixed at the size training needs
  // (see `fixed`); the corpus stays where it was read, since the pair stream
  // reads it from JavaScript.
  const arena = new KernelArena({
    fixed: true,
    initialBytes: trainingBytes(vocab, params, 1),
  });
  const layout = layoutMatrices(arena, vocab, params);
  const batch = layoutBatch(arena.alloc(batchBytes(params)), params);
  const prng = new Prng(params.seed + STREAM_SEED_OFFSET);
  const stream = new PairStream(corpus, vocab.counts, {
    window: params.window,
    windowMode: params.windowMode,
    sample: params.sample,
    negatives: params.negatives,
    sampler: params.sampler,
    exponent: params.nsExponent,
    hardFraction: params.hardFraction,
    selfPairs: params.selfPairs,
    globalContext: encodeGlobalContext(vocab, corpus, options.globalContext),
    prng,
  });
  let firstEpoch = 1;
  if (options.resume !== undefined) {
    restoreCheckpoint(arena, layout, vocab, params, options.resume);
    stream.setRandomState(options.resume.stream);
    prng.setState(options.resume.prng);
    firstEpoch = options.resume.epochsDone + 1;
  }
  const checkpoint = options.checkpoint;
  const every = checkpoint?.every ?? 1;
  if (checkpoint !== undefined && !(Number.isInteger(every) && every >= 1)) {
    throw new RangeError(
      `Cannot train: checkpoint.every must be a positive integer, got ${every}`,
    );
  }
  const onEpochEnd = checkpoint === undefined ? undefined : (epoch: number) => {
    if (epoch % every !== 0 && epoch !== params.epochs) return;
    saveCheckpointSync(checkpoint.path, {
      epochsDone: epoch,
      model: modelFrom(arena, layout, vocab, params),
      adam: adamFrom(arena, layout, vocab, params),
      stream: stream.randomState(),
      prng: prng.state(),
    });
  };
  const views = {
    centers: arena.i32(batch.centers, params.batchPairs),
    contexts: arena.i32(batch.contexts, params.batchPairs),
    negatives: arena.i32(
      batch.negatives,
      Math.max(1, params.batchPairs * params.negatives),
    ),
  };
  const tokensTotal = stream.epochTokens * params.epochs;
  const interval = (options.progressInterval ?? 0.5) * 1000;
  const onProgress = options.onProgress;
  const start = performance.now();
  let lastReport = start;
  runEpochs(
    arena.kernel,
    views,
    layout,
    batch,
    stream,
    params,
    (t) => {
      if (onProgress === undefined) return;
      const now = performance.now();
      if (t.epochDone || now - lastReport >= interval) {
        lastReport = now;
        onProgress(
          progressOf(
            t.epoch,
            params.epochs,
            t.tokensDone,
            tokensTotal,
            start,
            now,
            t.lossSum,
            t.pairs,
            t.lr,
            t.epochDone,
          ),
        );
      }
    },
    firstEpoch,
    onEpochEnd,
  );
  return modelFrom(arena, layout, vocab, params);
}

/**
 * Trains on an encoded corpus with `params.threads` Workers sharing one
 * WebAssembly memory, updating the matrices lock-free (Hogwild). Each Worker
 * streams its own contiguous slice of sessions (equal token shares). Falls
 * back to one thread, with a notice on stderr, where Workers or shared memory
 * are unavailable. Multi-threaded runs are not bit-for-bit reproducible.
 *
 * @example
 * ```ts
 * import { trainCorpusParallel } from "./train.ts";
 * import { buildCorpusSync } from "./corpus.ts";
 * import { resolveTrainOptions } from "./train_options.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = Array.from({ length: 200 }, (_, i) => [`a${i % 7}`, `b${i % 5}`, `c${i % 3}`]);
 * const { vocab, corpus } = buildCorpusSync(sessions);
 * const params = resolveTrainOptions({ dim: 8, epochs: 2, threads: 2 });
 * const model = await trainCorpusParallel(vocab, corpus, params);
 * assert.equal(model.size, 15);
 * ```
 *
 * @param vocab The vocabulary the corpus ids refer to.
 * @param corpus Session offsets and account ids.
 * @param params Resolved hyperparameters.
 * @param options Callbacks and the optional global context.
 * @returns The trained model.
 */
export async function trainCorpusParallel(
  vocab: Vocabulary,
  corpus: Corpus,
  params: TrainParams,
  options: Omit<TrainRunOptions, keyof TrainOptions> = {},
): Promise<Model> {
  const threads = params.threads;
  if (threads <= 1) return trainCorpus(vocab, corpus, params, options);
  if (options.checkpoint !== undefined || options.resume !== undefined) {
    throw new RangeError(
      `Cannot train: checkpoints and resuming need threads 1 (bit-for-bit continuation), got threads ${threads}`,
    );
  }
  if (
    typeof Worker === "undefined" || typeof SharedArrayBuffer === "undefined"
  ) {
    console.error(
      `notice: Workers or SharedArrayBuffer are unavailable here; training on one thread instead of ${threads}`,
    );
    return trainCorpus(vocab, corpus, params, options);
  }
  checkBeforeTraining(vocab, corpus, params, threads, options.memoryLimit);
  // The Workers read the corpus from JavaScript, so it only needs to be
  // shared: where it was read into shared kernel memory it stays there.
  const inKernel = takeCorpusMemory(corpus, true);
  const tokens = corpus.ids.length;
  let ids: SharedInt32s;
  if (inKernel !== undefined) {
    ids = {
      buffer: inKernel.arena.memory.buffer as SharedArrayBuffer,
      byteOffset: inKernel.ids,
      length: tokens,
    };
  } else {
    ids = sharedCopy(corpus.ids);
  }
  const offsets = sharedCopy(corpus.offsets);
  // The kernel's memory is fixed at the size training needs, so the engine
  // compiles the kernel for a memory that cannot grow (see `fixed`).
  const arena = new KernelArena({
    shared: true,
    fixed: true,
    initialBytes: trainingBytes(vocab, params, threads),
  });
  const layout = layoutMatrices(arena, vocab, params);
  const batches = Array.from(
    { length: threads },
    () => layoutBatch(arena.alloc(batchBytes(params)), params),
  );
  const ranges = splitSessions(corpus.offsets, threads);
  const global = encodeGlobalContext(vocab, corpus, options.globalContext) ??
    null;
  const tokensTotal = corpus.ids.length * params.epochs;
  const interval = (options.progressInterval ?? 0.5) * 1000;
  const start = performance.now();
  let lastReport = start;
  const state = batches.map(() => ({
    epoch: 1,
    tokensDone: 0,
    lossSum: 0,
    pairs: 0,
    lr: params.lr,
    epochsDone: 0,
  }));
  let epochsReported = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      batches.map((batch, w) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(
            new URL("./_train_worker.ts", import.meta.url).href,
            { type: "module" },
          );
          workers.push(worker);
          worker.onmessage = (event: MessageEvent) => {
            const m = event.data;
            if (m.type === "progress") {
              const s = state[w]!;
              s.epoch = m.epoch;
              s.tokensDone = m.tokensDone;
              s.lossSum = m.lossSum;
              s.pairs = m.pairs;
              s.lr = m.lr;
              if (m.epochDone) s.epochsDone = m.epoch;
              const onProgress = options.onProgress;
              if (onProgress === undefined) return;
              const now = performance.now();
              const allDone = Math.min(...state.map((x) => x.epochsDone));
              const epochDone = allDone > epochsReported;
              if (epochDone || now - lastReport >= interval) {
                lastReport = now;
                if (epochDone) epochsReported = allDone;
                const done = epochDone
                  ? allDone * corpus.ids.length
                  : state.reduce((a, x) => a + x.tokensDone, 0);
                const loss = state.reduce((a, x) => a + x.lossSum, 0);
                const pairs = state.reduce((a, x) => a + x.pairs, 0);
                const epoch = epochDone
                  ? allDone
                  : Math.min(...state.map((x) => x.epoch));
                onProgress(
                  progressOf(
                    epoch,
                    params.epochs,
                    done,
                    tokensTotal,
                    start,
                    now,
                    loss,
                    pairs,
                    s.lr,
                    epochDone,
                  ),
                );
              }
            } else if (m.type === "done") {
              resolve();
            } else if (m.type === "error") {
              reject(
                new Error(`Cannot train: worker ${w} failed: ${m.message}`),
              );
            }
          };
          worker.onerror = (event: ErrorEvent) => {
            event.preventDefault();
            reject(
              new Error(`Cannot train: worker ${w} failed: ${event.message}`),
            );
          };
          worker.postMessage({
            memory: arena.memory,
            layout,
            batch,
            ids,
            offsets,
            counts: vocab.counts,
            params,
            range: ranges[w]!,
            seed: params.seed + STREAM_SEED_OFFSET + w * WORKER_SEED_STRIDE,
            worker: [w, threads],
            globalContext: global,
          });
        })
      ),
    );
  } finally {
    for (const worker of workers) worker.terminate();
  }
  return modelFrom(arena, layout, vocab, params);
}

function sharedCopy(values: Int32Array): SharedInt32s {
  const buffer = new SharedArrayBuffer(values.length * 4);
  new Int32Array(buffer).set(values);
  return { buffer, byteOffset: 0, length: values.length };
}

/** Bytes of kernel memory training allocates: what `layoutMatrices` and the batches take, with alignment slack. */
function trainingBytes(
  vocab: Vocabulary,
  params: TrainParams,
  threads: number,
): number {
  const matrix = align16(vocab.size * params.dim * 4) + 16;
  let bytes = align16(SIGMOID_TABLE_BYTES) + 16 + 2 * matrix;
  if (params.optimizer === "adam") {
    bytes += 4 * matrix + 2 * (align16(vocab.size * 4) + 16);
  }
  return bytes + threads * (align16(batchBytes(params)) + 16);
}

/** Seed offset of the pair stream's generator (the initial vectors use `seed` itself). */
const STREAM_SEED_OFFSET = 1;
/** Distance between the seeds of consecutive Workers. */
const WORKER_SEED_STRIDE = 7919;

function layoutMatrices(
  arena: KernelArena,
  vocab: Vocabulary,
  params: TrainParams,
): TrainLayout {
  const V = vocab.size;
  const D = params.dim;
  const matrixBytes = V * D * 4;
  const sigmoid = arena.alloc(SIGMOID_TABLE_BYTES);
  const input = arena.alloc(matrixBytes);
  const output = arena.alloc(matrixBytes);
  const adam = { mIn: 0, vIn: 0, mOut: 0, vOut: 0, tIn: 0, tOut: 0 };
  if (params.optimizer === "adam") {
    adam.mIn = arena.alloc(matrixBytes);
    adam.vIn = arena.alloc(matrixBytes);
    adam.mOut = arena.alloc(matrixBytes);
    adam.vOut = arena.alloc(matrixBytes);
    adam.tIn = arena.alloc(V * 4);
    adam.tOut = arena.alloc(V * 4);
  }
  arena.fillSigmoidTable(sigmoid);
  const prng = new Prng(params.seed);
  const inputView = arena.f32(input, V * D);
  const scale = (2 * INIT_SCALE) / D;
  for (let i = 0; i < inputView.length; i++) {
    inputView[i] = (prng.random() - 0.5) * scale;
  }
  return { sigmoid, input, output, adam };
}

function modelFrom(
  arena: KernelArena,
  layout: TrainLayout,
  vocab: Vocabulary,
  params: TrainParams,
): Model {
  const n = vocab.size * params.dim;
  return new Model({
    vocab,
    dim: params.dim,
    input: arena.f32(layout.input, n),
    output: arena.f32(layout.output, n),
    params,
  });
}

/**
 * Refuses, before any allocation, a vocabulary that cannot supply the
 * negatives and a run whose memory estimate is over the WebAssembly limit or
 * the caller's cap.
 */
function checkBeforeTraining(
  vocab: Vocabulary,
  corpus: Corpus,
  params: TrainParams,
  threads: number,
  memoryLimit: number | undefined,
): void {
  const V = vocab.size;
  if (V === 0) {
    throw new RangeError(
      "Cannot train: the vocabulary is empty (no account reaches minCount)",
    );
  }
  if (params.negatives > 0 && V < 2) {
    throw new RangeError(
      `Cannot train: a vocabulary of ${V} account cannot supply negatives (set negatives 0 or add accounts)`,
    );
  }
  if (params.negatives > 0 && V <= params.negatives) {
    throw new RangeError(
      `Cannot train: a vocabulary of ${V} accounts cannot supply ${params.negatives} negatives per pair besides the center (it needs at least ${
        params.negatives + 1
      }); lower negatives`,
    );
  }
  checkTrainingMemory(
    estimateTrainingMemory({
      vocabSize: V,
      dim: params.dim,
      tokens: corpus.ids.length,
      sessions: corpus.offsets.length - 1,
      optimizer: params.optimizer,
      threads,
      batchPairs: params.batchPairs,
      negatives: params.negatives,
      corpusInKernel: threads > 1 || isCorpusInKernel(corpus),
    }),
    { limitBytes: memoryLimit },
  );
}

function adamFrom(
  arena: KernelArena,
  layout: TrainLayout,
  vocab: Vocabulary,
  params: TrainParams,
): AdamState | null {
  if (params.optimizer !== "adam") return null;
  const n = vocab.size * params.dim;
  const a = layout.adam;
  return {
    mIn: arena.f32(a.mIn, n).slice(),
    vIn: arena.f32(a.vIn, n).slice(),
    mOut: arena.f32(a.mOut, n).slice(),
    vOut: arena.f32(a.vOut, n).slice(),
    tIn: arena.i32(a.tIn, vocab.size).slice(),
    tOut: arena.i32(a.tOut, vocab.size).slice(),
  };
}

function restoreCheckpoint(
  arena: KernelArena,
  layout: TrainLayout,
  vocab: Vocabulary,
  params: TrainParams,
  checkpoint: TrainCheckpoint,
): void {
  const model = checkpoint.model;
  const same = model.size === vocab.size && model.dim === params.dim &&
    model.vocab.words.every((w, i) => w === vocab.words[i]);
  if (!same) {
    throw new RangeError(
      `Cannot resume: the checkpoint has ${model.size} accounts of dimension ${model.dim}, these sessions give ${vocab.size} of dimension ${params.dim} (use the same input and options)`,
    );
  }
  for (
    const key of [
      "optimizer",
      "window",
      "windowMode",
      "negatives",
      "sampler",
      "batchPairs",
      "seed",
    ] as const
  ) {
    const saved = model.params[key];
    if (saved !== undefined && saved !== params[key]) {
      throw new RangeError(
        `Cannot resume: the checkpoint was trained with ${key} ${saved}, not ${
          params[key]
        }`,
      );
    }
  }
  if (checkpoint.epochsDone >= params.epochs) {
    throw new RangeError(
      `Cannot resume: the checkpoint has ${checkpoint.epochsDone} epochs done, the run asks for ${params.epochs}`,
    );
  }
  if ((checkpoint.adam !== null) !== (params.optimizer === "adam")) {
    throw new RangeError(
      "Cannot resume: the checkpoint's optimizer state does not match the optimizer",
    );
  }
  const n = vocab.size * params.dim;
  arena.f32(layout.input, n).set(model.input);
  arena.f32(layout.output, n).set(model.output!);
  const adam = checkpoint.adam;
  if (adam !== null) {
    const a = layout.adam;
    arena.f32(a.mIn, n).set(adam.mIn);
    arena.f32(a.vIn, n).set(adam.vIn);
    arena.f32(a.mOut, n).set(adam.mOut);
    arena.f32(a.vOut, n).set(adam.vOut);
    arena.i32(a.tIn, vocab.size).set(adam.tIn);
    arena.i32(a.tOut, vocab.size).set(adam.tOut);
  }
}

/**
 * Splits sessions into `parts` contiguous ranges with about equal token counts.
 *
 * @example
 * ```ts
 * import { splitSessions } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * // Four sessions of 2, 2, 4 and 0 tokens: half the tokens each.
 * assert.deepEqual(splitSessions(Int32Array.of(0, 2, 4, 8, 8), 2), [[0, 2], [2, 4]]);
 * ```
 *
 * @param offsets Session offsets.
 * @param parts Number of ranges.
 * @returns `[first, last)` session ranges covering every session once.
 */
export function splitSessions(
  offsets: Int32Array,
  parts: number,
): [number, number][] {
  const sessions = offsets.length - 1;
  const total = offsets[sessions] ?? 0;
  const ranges: [number, number][] = [];
  let first = 0;
  for (let p = 1; p <= parts; p++) {
    let last = first;
    if (p === parts) {
      last = sessions;
    } else {
      const target = (total * p) / parts;
      while (last < sessions && offsets[last + 1]! <= target) last++;
    }
    ranges.push([first, last]);
    first = last;
  }
  return ranges;
}

function progressOf(
  epoch: number,
  epochs: number,
  done: number,
  total: number,
  start: number,
  now: number,
  lossSum: number,
  pairs: number,
  lr: number,
  epochDone: boolean,
): TrainProgress {
  const seconds = (now - start) / 1000;
  return {
    epoch,
    epochs,
    tokensDone: done,
    tokensTotal: total,
    tokensPerSecond: seconds > 0 ? done / seconds : 0,
    meanLoss: pairs > 0 ? lossSum / pairs : 0,
    lr,
    seconds,
    epochDone,
  };
}

function encodeGlobalContext(
  vocab: Vocabulary,
  corpus: Corpus,
  global: readonly (string | undefined)[] | undefined,
): Int32Array | undefined {
  if (global === undefined) return undefined;
  const sessions = corpus.offsets.length - 1;
  if (global.length !== sessions) {
    throw new TypeError(
      `Cannot train: globalContext has ${global.length} entries for ${sessions} sessions`,
    );
  }
  const out = new Int32Array(sessions);
  for (let s = 0; s < sessions; s++) {
    const account = global[s];
    out[s] = account === undefined ? -1 : vocab.index(account) ?? -1;
  }
  return out;
}
