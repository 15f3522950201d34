/**
 * Training checkpoints: everything a single-threaded run needs to continue
 * after an epoch exactly as if it had not stopped — both matrices, Adam's
 * state, and the random state of the pair stream and the negative sampler.
 *
 * Layout (little-endian): the 8 bytes `E2VCKPT\0`, u32 version, u32 length of
 * a JSON header, the header, padding to 4 bytes, then the stream state
 * (i32), the model in the native format (padded to 4 bytes), and with Adam
 * its four moment matrices (f32) and two step-count arrays (i32).
 *
 * @module
 */

import { InputError } from "./errors.ts";
import type { Model } from "./model.ts";
import { decodeModel, encodeModel } from "./model_io.ts";
import { writeFileAtomic } from "./_atomic.ts";

const MAGIC = "E2VCKPT\0";
/**
 * Version of the checkpoint layout written by this library, stored after the
 * magic bytes (u32, little-endian, at offset 8).
 *
 * @example
 * ```ts
 * import { CHECKPOINT_VERSION, encodeCheckpoint } from "./checkpoint.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a"], [1]), dim: 1, input: Float32Array.of(1), output: Float32Array.of(0),
 * });
 * const bytes = encodeCheckpoint({ epochsDone: 1, model, adam: null, stream: new Int32Array(0), prng: new Uint32Array(4) });
 * assert.equal(new DataView(bytes.buffer).getUint32(8, true), CHECKPOINT_VERSION);
 * ```
 */
export const CHECKPOINT_VERSION = 1;

/**
 * Adam's state: moments per matrix element and step counts per row.
 *
 * @example A checkpoint of an Adam run keeps its moments
 * ```ts
 * import { type AdamState, decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Two accounts of dimension 2: 4 moments per matrix, one step count per row.
 * const adam: AdamState = {
 *   mIn: Float32Array.of(0.5, 0, 0, 0), vIn: new Float32Array(4),
 *   mOut: new Float32Array(4), vOut: new Float32Array(4),
 *   tIn: Int32Array.of(3, 1), tOut: Int32Array.of(0, 2),
 * };
 * const model = new Model({
 *   vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 2, input: new Float32Array(4), output: new Float32Array(4),
 * });
 * const back = decodeCheckpoint(
 *   encodeCheckpoint({ epochsDone: 1, model, adam, stream: new Int32Array(0), prng: new Uint32Array(4) }),
 *   "ckpt",
 * );
 * assert.deepEqual(back.adam, adam);
 * ```
 */
export interface AdamState {
  /** First moments of the input matrix. */
  mIn: Float32Array;
  /** Second moments of the input matrix. */
  vIn: Float32Array;
  /** First moments of the output matrix. */
  mOut: Float32Array;
  /** Second moments of the output matrix. */
  vOut: Float32Array;
  /** Updates per input row. */
  tIn: Int32Array;
  /** Updates per output row. */
  tOut: Int32Array;
}

/**
 * The state of a training run after a whole number of epochs. Training with
 * the `checkpoint` option writes one; the `resume` option continues from it.
 *
 * @example A run stopped in its third epoch resumes from the second
 * ```ts
 * import { loadCheckpoint, type TrainCheckpoint } from "./checkpoint.ts";
 * import { encodeModel } from "./model_io.ts";
 * import { trainSync } from "./train.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = [["a", "b", "c"], ["c", "d", "e"], ["a", "c", "e"]];
 * const options = { dim: 4, epochs: 3, negatives: 2, sample: 0, seed: 5 };
 * const whole = encodeModel(trainSync(sessions, options));
 * const path = `${await Deno.makeTempDir()}/run.ckpt`;
 * assert.throws(() =>
 *   trainSync(sessions, {
 *     ...options,
 *     checkpoint: { path },
 *     progressInterval: 0,
 *     onProgress: (p) => {
 *       if (p.epoch === 3) throw new Error("stopped");
 *     },
 *   }), /stopped/);
 * const checkpoint: TrainCheckpoint = await loadCheckpoint(path);
 * assert.equal(checkpoint.epochsDone, 2);
 * const resumed = trainSync(sessions, { ...options, resume: checkpoint });
 * assert.deepEqual(encodeModel(resumed), whole);
 * ```
 */
export interface TrainCheckpoint {
  /** Epochs completed. */
  epochsDone: number;
  /** The model so far, with its output matrix and parameters. */
  model: Model;
  /** Adam's state, or `null` with SGD. */
  adam: AdamState | null;
  /** The pair stream's random state. */
  stream: Int32Array;
  /** The negative sampler's generator state. */
  prng: Uint32Array;
}

/**
 * Encodes a checkpoint.
 *
 * @param checkpoint The state to encode.
 * @returns The bytes.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 2,
 *   input: Float32Array.of(1, 2, 3, 4), output: Float32Array.of(0, 0, 1, 1),
 * });
 * const bytes = encodeCheckpoint({
 *   epochsDone: 3, model, adam: null, stream: Int32Array.of(1, 2, 3), prng: Uint32Array.of(1, 2, 3, 4),
 * });
 * const back = decodeCheckpoint(bytes, "ckpt");
 * assert.equal(back.epochsDone, 3);
 * assert.deepEqual([...back.model.input], [1, 2, 3, 4]);
 * ```
 */
export function encodeCheckpoint(checkpoint: TrainCheckpoint): Uint8Array {
  const { model, adam } = checkpoint;
  if (model.output === null) {
    throw new TypeError(
      "Cannot write checkpoint: the model has no output matrix",
    );
  }
  const modelBytes = encodeModel(model, "native");
  const n = model.size * model.dim;
  const header = new TextEncoder().encode(JSON.stringify({
    epochsDone: checkpoint.epochsDone,
    streamWords: checkpoint.stream.length,
    prng: [...checkpoint.prng],
    modelBytes: modelBytes.length,
    adam: adam !== null,
    rows: model.size,
    dim: model.dim,
  }));
  const headerEnd = pad4(8 + 4 + 4 + header.length);
  const streamEnd = headerEnd + checkpoint.stream.length * 4;
  const modelEnd = pad4(streamEnd + modelBytes.length);
  const total = modelEnd + (adam === null ? 0 : 4 * n * 4 + 2 * model.size * 4);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  writeWords(view, headerEnd, checkpoint.stream);
  out.set(modelBytes, streamEnd);
  if (adam !== null) {
    let at = modelEnd;
    for (
      const part of [
        adam.mIn,
        adam.vIn,
        adam.mOut,
        adam.vOut,
        adam.tIn,
        adam.tOut,
      ]
    ) {
      if (part.length !== (part instanceof Int32Array ? model.size : n)) {
        throw new TypeError(
          "Cannot write checkpoint: Adam state does not match the model",
        );
      }
      at = writeWords(view, at, part);
    }
  }
  return out;
}

/**
 * Decodes a checkpoint written by {@linkcode encodeCheckpoint}.
 *
 * @param bytes The file's bytes.
 * @param name The file name for error messages.
 * @returns The checkpoint.
 * @throws {InputError} When the bytes are not a whole checkpoint.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * import { InputError } from "./errors.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a"], [1]), dim: 1, input: Float32Array.of(0.5), output: Float32Array.of(0),
 * });
 * const bytes = encodeCheckpoint({ epochsDone: 4, model, adam: null, stream: Int32Array.of(9), prng: Uint32Array.of(1, 2, 3, 4) });
 * const back = decodeCheckpoint(bytes, "run.ckpt");
 * assert.equal(back.epochsDone, 4);
 * assert.deepEqual([...back.prng], [1, 2, 3, 4]);
 * assert.throws(
 *   () => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), "run.ckpt"),
 *   (error) => error instanceof InputError && error.file === "run.ckpt",
 * );
 * ```
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  name: string,
): TrainCheckpoint {
  const fail = (offset: number, problem: string): never => {
    throw new InputError({ file: name, offset }, problem);
  };
  if (
    bytes.length < 16 ||
    new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC
  ) {
    fail(0, "not an explore2vec checkpoint");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    fail(
      8,
      `checkpoint format version ${version}; this library reads version ${CHECKPOINT_VERSION}: resume with the explore2vec version that wrote it`,
    );
  }
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length) fail(12, "truncated header");
  let header: {
    epochsDone: number;
    streamWords: number;
    prng: number[];
    modelBytes: number;
    adam: boolean;
    rows: number;
    dim: number;
  };
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)),
    );
  } catch {
    return fail(16, "the header is not valid JSON");
  }
  const { epochsDone, streamWords, prng, modelBytes, adam, rows, dim } = header;
  const counts = [epochsDone, streamWords, modelBytes, rows, dim];
  if (
    !counts.every((x) => Number.isInteger(x) && x >= 0) ||
    !Array.isArray(prng) || prng.length !== 4
  ) {
    fail(16, "the header has missing or invalid fields");
  }
  const headerEnd = pad4(16 + headerLength);
  const streamEnd = headerEnd + streamWords * 4;
  const modelEnd = pad4(streamEnd + modelBytes);
  const n = rows * dim;
  const total = modelEnd + (adam ? 4 * n * 4 + 2 * rows * 4 : 0);
  if (bytes.length !== total) {
    fail(
      bytes.length,
      `truncated or padded: expected ${total} bytes, got ${bytes.length}`,
    );
  }
  const stream = new Int32Array(streamWords);
  readWords(view, headerEnd, stream);
  const model = decodeModel(bytes.slice(streamEnd, streamEnd + modelBytes), {
    name,
    format: "native",
  });
  if (model.size !== rows || model.dim !== dim || model.output === null) {
    fail(streamEnd, "the model does not match the checkpoint header");
  }
  let adamState: AdamState | null = null;
  if (adam) {
    const parts = [
      new Float32Array(n),
      new Float32Array(n),
      new Float32Array(n),
      new Float32Array(n),
      new Int32Array(rows),
      new Int32Array(rows),
    ] as const;
    let at = modelEnd;
    for (const part of parts) at = readWords(view, at, part);
    adamState = {
      mIn: parts[0],
      vIn: parts[1],
      mOut: parts[2],
      vOut: parts[3],
      tIn: parts[4],
      tOut: parts[5],
    };
  }
  return {
    epochsDone,
    model,
    adam: adamState,
    stream,
    prng: Uint32Array.from(prng),
  };
}

/**
 * Writes a checkpoint atomically: to a temporary file, then renamed over
 * `path`, so a crash leaves the previous checkpoint whole.
 *
 * @param path The file to write.
 * @param checkpoint The state.
 * @returns A promise that resolves once the file is in place.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a", "b"], [1, 1]), dim: 1, input: Float32Array.of(1, -1), output: Float32Array.of(0, 0),
 * });
 * const path = `${await Deno.makeTempDir()}/run.ckpt`;
 * await saveCheckpoint(path, { epochsDone: 2, model, adam: null, stream: new Int32Array(0), prng: new Uint32Array(4) });
 * const back = await loadCheckpoint(path);
 * assert.deepEqual(back.model.vocab.words, ["a", "b"]);
 * ```
 */
export async function saveCheckpoint(
  path: string,
  checkpoint: TrainCheckpoint,
): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/**
 * Writes a checkpoint atomically, synchronously (from inside a training loop).
 *
 * @param path The file to write.
 * @param checkpoint The state.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint, saveCheckpointSync } from "./checkpoint.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a"], [1]), dim: 2, input: Float32Array.of(1, 2), output: Float32Array.of(0, 0),
 * });
 * const path = `${Deno.makeTempDirSync()}/run.ckpt`;
 * saveCheckpointSync(path, { epochsDone: 1, model, adam: null, stream: new Int32Array(0), prng: new Uint32Array(4) });
 * assert.equal(decodeCheckpoint(Deno.readFileSync(path), path).epochsDone, 1);
 * ```
 */
export function saveCheckpointSync(
  path: string,
  checkpoint: TrainCheckpoint,
): void {
  const bytes = encodeCheckpoint(checkpoint);
  const slash = path.lastIndexOf("/");
  const tmp = `${path.slice(0, slash + 1)}.${
    path.slice(slash + 1)
  }.tmp-${Deno.pid}-${performance.now().toFixed(0)}`;
  try {
    const file = Deno.openSync(tmp, { write: true, createNew: true });
    try {
      let at = 0;
      while (at < bytes.length) at += file.writeSync(bytes.subarray(at));
      file.syncDataSync();
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (error) {
    try {
      Deno.removeSync(tmp);
    } catch { /* nothing to remove */ }
    throw error;
  }
}

/**
 * Reads a checkpoint file.
 *
 * @param path The file.
 * @returns The checkpoint.
 * @throws {InputError} When the file is missing or not a whole checkpoint.
 *
 * @example
 * ```ts
 * import { loadCheckpoint } from "./checkpoint.ts";
 * import { InputError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const path = `${await Deno.makeTempDir()}/missing.ckpt`;
 * await assert.rejects(loadCheckpoint(path), new InputError({ file: path }, "no such file"));
 * ```
 */
export async function loadCheckpoint(path: string): Promise<TrainCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const problem = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : (error as Error).message;
    throw new InputError({ file: path }, problem);
  }
  return decodeCheckpoint(bytes, path);
}

function pad4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

function writeWords(
  view: DataView,
  at: number,
  words: Int32Array | Float32Array,
): number {
  const ints = words instanceof Float32Array
    ? new Int32Array(words.buffer, words.byteOffset, words.length)
    : words;
  for (let i = 0; i < ints.length; i++) {
    view.setInt32(at + 4 * i, ints[i]!, true);
  }
  return at + ints.length * 4;
}

function readWords(
  view: DataView,
  at: number,
  words: Int32Array | Float32Array,
): number {
  const ints = words instanceof Float32Array
    ? new Int32Array(words.buffer, words.byteOffset, words.length)
    : words;
  for (let i = 0; i < ints.length; i++) {
    ints[i] = view.getInt32(at + 4 * i, true);
  }
  return at + ints.length * 4;
}
