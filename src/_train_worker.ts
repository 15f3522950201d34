/**
 * A training Worker: attaches to the shared kernel memory, streams the pairs
 * of its slice of sessions and trains them lock-free (Hogwild), as the
 * word2vec C tool's threads do.
 *
 * @module
 */

import { KernelArena } from "./kernel/_kernel.ts";
import { PairStream } from "./pairs.ts";
import { Prng } from "./prng.ts";
import {
  type BatchLayout,
  runEpochs,
  type SharedInt32s,
  type TrainLayout,
} from "./_train_loop.ts";
import type { TrainParams } from "./train_options.ts";

/** What the main thread sends to a training Worker. */
export interface WorkerJob {
  /** The shared kernel memory (a `fixed` arena's) holding matrices, tables and batches. */
  memory: WebAssembly.Memory;
  /** Matrix and table pointers. */
  layout: TrainLayout;
  /** This Worker's batch pointers. */
  batch: BatchLayout;
  /** Corpus ids. */
  ids: SharedInt32s;
  /** Session offsets. */
  offsets: SharedInt32s;
  /** Vocabulary counts. */
  counts: Float64Array;
  /** Resolved hyperparameters. */
  params: TrainParams;
  /** This Worker's sessions `[first, last)`. */
  range: [number, number];
  /** This Worker's seed. */
  seed: number;
  /** This Worker's index and the number of Workers. */
  worker: [number, number];
  /** Per-session global context ids, or null. */
  globalContext: Int32Array | null;
}

/** Milliseconds between progress messages. */
const REPORT_INTERVAL_MS = 100;

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerJob>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event: MessageEvent<WorkerJob>) => {
  try {
    const job = event.data;
    const arena = KernelArena.attach(job.memory, true);
    const view = (s: SharedInt32s) =>
      new Int32Array(s.buffer, s.byteOffset, s.length);
    const corpus = { ids: view(job.ids), offsets: view(job.offsets) };
    const p = job.params;
    const stream = new PairStream(corpus, job.counts, {
      window: p.window,
      windowMode: p.windowMode,
      sample: p.sample,
      negatives: p.negatives,
      sampler: p.sampler,
      exponent: p.nsExponent,
      hardFraction: p.hardFraction,
      selfPairs: p.selfPairs,
      sessionRange: job.range,
      globalContext: job.globalContext ?? undefined,
      prng: new Prng(job.seed),
    });
    const views = {
      centers: arena.i32(job.batch.centers, p.batchPairs),
      contexts: arena.i32(job.batch.contexts, p.batchPairs),
      negatives: arena.i32(
        job.batch.negatives,
        Math.max(1, p.batchPairs * p.negatives),
      ),
    };
    let last = 0;
    const [worker, workers] = job.worker;
    // Hard and mixed negatives must stay outside the center's session, which
    // moving them could break: only unigram-like draws are split.
    const split = p.sampler === "unigram" || p.sampler === "uniform";
    runEpochs(
      arena.kernel,
      views,
      job.layout,
      job.batch,
      stream,
      p,
      (tally) => {
        const now = performance.now();
        if (tally.epochDone || now - last >= REPORT_INTERVAL_MS) {
          last = now;
          scope.postMessage({
            type: "progress",
            ...tally,
            epochTokens: stream.epochTokens,
          });
        }
      },
      1,
      undefined,
      split ? { worker, workers, vocabSize: job.counts.length } : undefined,
    );
    scope.postMessage({ type: "done" });
  } catch (error) {
    scope.postMessage({
      type: "error",
      message: (error as Error).message ?? String(error),
    });
  }
};
