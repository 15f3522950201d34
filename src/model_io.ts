/**
 * Model files: the native binary format, and word2vec text and binary.
 *
 * ## Native format (`"native"`, version 1), all integers little-endian
 *
 * | bytes | content |
 * |---|---|
 * | 8 | magic `E2VMODEL` |
 * | 4 | u32 format version |
 * | 4 | u32 header length `H` |
 * | H | UTF-8 JSON header: `dim`, `size` (accounts), `output` (whether the output matrix follows), `params` (training parameters, keys sorted), `createdAt` (only when asked for) |
 * | per account | u32 byte length, UTF-8 account id, f64 count |
 * | 0–3 | zero padding to a multiple of 4 bytes from the file start |
 * | 4·size·dim | input matrix, f32, row-major |
 * | 4·size·dim | output matrix, only when `output` is true |
 * | 4 | CRC-32 (IEEE) of every byte before it |
 *
 * The same model always gives the same bytes: no timestamp is written unless
 * `createdAt` is passed. Readers keep one decoder per format version, so files
 * of older versions stay readable.
 *
 * ## word2vec formats
 *
 * Text (`"word2vec-text"`): a first line `rows dim`, then one line per account:
 * the id and `dim` numbers, separated by spaces. Binary (`"word2vec-binary"`):
 * the same first line, then per account the id, a space, `dim` little-endian
 * f32 values and a newline (the newline is optional when reading, as in files
 * of the word2vec C tool and gensim). Ids must be non-empty and contain no
 * whitespace. These formats hold neither counts, output vectors nor training
 * parameters: a loaded model gets counts `rows, rows − 1, …, 1` in file order,
 * so the file order is the vocabulary order, no output matrix and empty
 * parameters. Text values are written with 7 to 9 significant digits, the
 * fewest of those that read back as exactly the same f32.
 *
 * Loading streams the file: binary formats are read straight into the vector
 * matrices and text is decoded in blocks of lines, so no string of the whole
 * file is built. Malformed files throw an {@linkcode InputError} naming the
 * file and the line (text) or byte offset (binary).
 *
 * @module
 */

import { writeAll, writeFileAtomic } from "./_atomic.ts";
import { InputError } from "./errors.ts";
import { Model } from "./model.ts";
import { resolveTrainOptions, type TrainParams } from "./train_options.ts";
import { Vocabulary } from "./vocab.ts";

/**
 * A model file format.
 *
 * @example Every format reads back as the same vectors
 * ```ts
 * import { decodeModel, detectModelFormat, encodeModel, type ModelFormat } from "./model_io.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["cats", "dogs"], [3, 1]), dim: 2, input: Float32Array.of(1, 0.5, -2, 0.25) });
 * const formats: ModelFormat[] = ["native", "word2vec-text", "word2vec-binary"];
 * for (const format of formats) {
 *   const bytes = encodeModel(model, format);
 *   assert.equal(detectModelFormat(bytes), format);
 *   assert.deepEqual(decodeModel(bytes).input, model.input);
 * }
 * ```
 */
export type ModelFormat = "native" | "word2vec-text" | "word2vec-binary";

/**
 * The native format version this library writes (and the newest it reads),
 * stored as a u32 after the magic.
 *
 * @example
 * ```ts
 * import { encodeModel, NATIVE_FORMAT_VERSION } from "./model_io.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["cats", "dogs"], [3, 1]), dim: 2, input: Float32Array.of(1, 0.5, -2, 0.25) });
 * const bytes = encodeModel(model);
 * assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "E2VMODEL");
 * assert.equal(new DataView(bytes.buffer).getUint32(8, true), NATIVE_FORMAT_VERSION);
 * ```
 */
export const NATIVE_FORMAT_VERSION = 1;

/**
 * Options of {@linkcode saveModel} and {@linkcode encodeModel}.
 *
 * @example A word2vec text file, and a native header with a creation time
 * ```ts
 * import { encodeModel, saveModel, type SaveModelOptions } from "./model_io.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["cats", "dogs"], [3, 1]), dim: 2, input: Float32Array.of(1, 0.5, -2, 0.25) });
 * const dir = await Deno.makeTempDir();
 * const options: SaveModelOptions = { format: "word2vec-text" };
 * await saveModel(model, `${dir}/vectors.txt`, options);
 * assert.equal(await Deno.readTextFile(`${dir}/vectors.txt`), "2 2\ncats 1 0.5\ndogs -2 0.25\n");
 * await Deno.remove(dir, { recursive: true });
 * const stamped = encodeModel(model, "native", { createdAt: new Date(0) });
 * assert.ok(new TextDecoder().decode(stamped).includes("1970-01-01T00:00:00.000Z"));
 * ```
 */
export interface SaveModelOptions {
  /** The file format. Default `"native"`. */
  format?: ModelFormat;
  /** A creation time to record in a native header. Default none, so equal models give equal bytes. */
  createdAt?: Date;
}

/**
 * Options of {@linkcode loadModel} and {@linkcode decodeModel}.
 *
 * @example Name the input in errors
 * ```ts
 * import { InputError } from "./errors.ts";
 * import { decodeModel, type LoadModelOptions } from "./model_io.ts";
 * import assert from "node:assert/strict";
 *
 * const options: LoadModelOptions = { format: "word2vec-text", name: "upload.txt" };
 * const bytes = new TextEncoder().encode("1 2\ncats 1\n");
 * assert.throws(
 *   () => decodeModel(bytes, options),
 *   (error) => error instanceof InputError && error.file === "upload.txt" && error.line === 2,
 * );
 * ```
 */
export interface LoadModelOptions {
  /** The file format. Default: detected from the content ({@linkcode detectModelFormat}). */
  format?: ModelFormat;
  /** Name of the input in error messages. Default: the path for {@linkcode loadModel}, `"<bytes>"` for {@linkcode decodeModel}. */
  name?: string;
}

const FORMATS: readonly ModelFormat[] = [
  "native",
  "word2vec-text",
  "word2vec-binary",
];
const MAGIC = new TextEncoder().encode("E2VMODEL");
/** Bytes of magic, version and header length. */
const PREAMBLE_BYTES = 16;
const CHECKSUM_BYTES = 4;
const F32_BYTES = 4;
const F64_BYTES = 8;
const U32_BYTES = 4;
/** Longest accepted native JSON header. */
const MAX_HEADER_BYTES = 1 << 20;
/** Longest accepted account id, in UTF-8 bytes. */
const MAX_ID_BYTES = 1 << 16;
/** Longest accepted word2vec text line. */
const MAX_LINE_BYTES = 1 << 26;
/** Longest accepted word2vec header line. */
const MAX_W2V_HEADER_BYTES = 256;
/** Significant digits tried first for word2vec text values (most short decimals fit). */
const SHORT_TEXT_DIGITS = 7;
/** Read buffer size, and the size of pieces written at a time. */
const CHUNK_BYTES = 1 << 20;
/** Prefix of a file read to detect its format. */
const SNIFF_BYTES = 1 << 16;
/** A UTF-8 byte-order mark, skipped before a word2vec header. */
const BYTE_ORDER_MARK = Uint8Array.of(0xef, 0xbb, 0xbf);
/** Decodes bytes one character each, for headers and format detection. */
const LATIN1 = new TextDecoder("latin1");
const SPACE = 0x20;
const NEWLINE = 0x0a;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const PARAM_DEFAULTS: Readonly<Record<string, unknown>> = resolveTrainOptions();

// ---------------------------------------------------------------------------
// Public API

/**
 * Saves a model to a file, atomically: readers see the old file or the new
 * one, never a partial file. Large models are streamed, not assembled in
 * memory.
 *
 * @param model The model.
 * @param path The file to write.
 * @param options The format (default `"native"`) and an optional creation time.
 * @returns A promise that resolves once the file is in place.
 * @throws {RangeError} When the model cannot be stored in the format (a
 * non-finite vector value, an id with whitespace in a word2vec format).
 *
 * @example
 * ```ts
 * import { loadModel, saveModel } from "./model_io.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a", "b"], [5, 3]),
 *   dim: 2,
 *   input: Float32Array.of(1, 0.5, -2, 0.25),
 *   params: { window: 3 },
 * });
 * const dir = await Deno.makeTempDir();
 * await saveModel(model, `${dir}/m.e2v`);
 * const loaded = await loadModel(`${dir}/m.e2v`);
 * assert.deepEqual(loaded.vocab.words, ["a", "b"]);
 * assert.deepEqual(loaded.input, model.input);
 * assert.equal(loaded.params.window, 3);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function saveModel(
  model: Model,
  path: string,
  options: SaveModelOptions = {},
): Promise<void> {
  const chunks = encodeChunks(model, options);
  // Validation runs on the first step, before the target is touched.
  const first = chunks.next();
  await writeFileAtomic(path, async (file) => {
    for (let step = first; !step.done; step = chunks.next()) {
      await writeAll(file, step.value);
    }
  });
}

/**
 * Loads a model file written by {@linkcode saveModel}, the word2vec C tool or
 * gensim (`save_word2vec_format`, text or binary).
 *
 * @param path The file.
 * @param options The format (default: detected from the content) and a name for messages.
 * @returns The model.
 * @throws {InputError} When the file is missing or malformed, with file and
 * line or byte offset.
 *
 * @example
 * ```ts
 * import { loadModel } from "./model_io.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/v.txt`, "2 3\nx 1 2 3\ny 0.5 0 -1\n");
 * const model = await loadModel(`${dir}/v.txt`);
 * assert.deepEqual(model.vocab.words, ["x", "y"]);
 * assert.deepEqual([...model.vocab.counts], [2, 1]);
 * assert.deepEqual([...model.vector("y")!], [0.5, 0, -1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModel(
  path: string,
  options: LoadModelOptions = {},
): Promise<Model> {
  const name = options.name ?? path;
  if (options.format !== undefined) checkFormat(options.format);
  let file: Deno.FsFile;
  let size: number;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new Deno.errors.IsADirectory();
    size = info.size;
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw new InputError({ file: name }, describeFsError(error));
  }
  try {
    let format = options.format;
    if (format === undefined) {
      const prefix = new Uint8Array(Math.min(size, SNIFF_BYTES));
      const n = await readFull(file, prefix);
      format = detectOrThrow(prefix.subarray(0, n), name);
      await file.seek(0, Deno.SeekMode.Start);
    }
    const parser = parserFor(format, new Reader(name, size));
    let step = parser.next();
    while (!step.done) {
      step = parser.next(await readFull(file, step.value));
    }
    return step.value;
  } catch (error) {
    if (!isFsError(error)) throw error;
    throw new InputError({ file: name }, describeFsError(error));
  } finally {
    file.close();
  }
}

/**
 * Encodes a model as the bytes of a model file, in memory (for runtimes
 * without a file system).
 *
 * @param model The model.
 * @param format The format. Default `"native"`.
 * @param options An optional creation time for the native header.
 * @returns The file content.
 * @throws {RangeError} When the model cannot be stored in the format.
 *
 * @example
 * ```ts
 * import { encodeModel } from "./model_io.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a"], [1]), dim: 2, input: Float32Array.of(0.5, -1) });
 * assert.equal(new TextDecoder().decode(encodeModel(model, "word2vec-text")), "1 2\na 0.5 -1\n");
 * assert.deepEqual(encodeModel(model), encodeModel(model));
 * ```
 */
export function encodeModel(
  model: Model,
  format: ModelFormat = "native",
  options: Omit<SaveModelOptions, "format"> = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const chunk of encodeChunks(model, { ...options, format })) {
    parts.push(chunk.slice());
    length += chunk.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Decodes the bytes of a model file.
 *
 * @param bytes The file content.
 * @param options The format (default: detected) and a name for messages (default `"<bytes>"`).
 * @returns The model.
 * @throws {InputError} When the content is malformed.
 *
 * @example
 * ```ts
 * import { decodeModel, encodeModel } from "./model_io.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import { InputError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 1, input: Float32Array.of(3, 4) });
 * const bytes = encodeModel(model, "word2vec-binary");
 * assert.deepEqual(decodeModel(bytes).input, model.input);
 * assert.throws(() => decodeModel(bytes.subarray(0, bytes.length - 3)), InputError);
 * ```
 */
export function decodeModel(
  bytes: Uint8Array,
  options: LoadModelOptions = {},
): Model {
  const name = options.name ?? "<bytes>";
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(
      `Cannot decode model: expected a Uint8Array, got ${describe(bytes)}`,
    );
  }
  const format = options.format === undefined
    ? detectOrThrow(bytes, name)
    : checkFormat(options.format);
  const parser = parserFor(format, new Reader(name, bytes.length));
  let pos = 0;
  let step = parser.next();
  while (!step.done) {
    const target = step.value;
    const n = Math.min(target.length, bytes.length - pos);
    target.set(bytes.subarray(pos, pos + n));
    pos += n;
    step = parser.next(n);
  }
  return step.value;
}

/**
 * Detects the format of a model file from its first bytes.
 *
 * Native files start with the magic `E2VMODEL`. word2vec files start with a
 * line `<rows> <dim>`; they are binary when the bytes after the first id are
 * not all characters of decimal numbers.
 *
 * @param bytes The file content, or a prefix of it (a few KiB suffice).
 * @returns The format, or `undefined` when the bytes are no model file.
 *
 * @example
 * ```ts
 * import { detectModelFormat } from "./model_io.ts";
 * import assert from "node:assert/strict";
 *
 * const text = new TextEncoder().encode("1 2\na 0.5 1\n");
 * assert.equal(detectModelFormat(text), "word2vec-text");
 * assert.equal(detectModelFormat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47)), undefined);
 * ```
 */
export function detectModelFormat(bytes: Uint8Array): ModelFormat | undefined {
  if (bytes.length >= MAGIC.length && startsWith(bytes, MAGIC)) {
    return "native";
  }
  const start = startsWith(bytes, BYTE_ORDER_MARK) ? BYTE_ORDER_MARK.length : 0;
  const end = bytes.subarray(0, MAX_W2V_HEADER_BYTES).indexOf(NEWLINE);
  if (end < 0) return undefined;
  const header = parseW2vHeaderText(latin1(bytes.subarray(start, end)));
  if (header === undefined) return undefined;
  let at = end + 1;
  while (at < bytes.length && bytes[at] === NEWLINE) at++;
  const space = bytes.indexOf(SPACE, at);
  if (space < 0 || header.rows === 0) return "word2vec-text";
  // A text row holds only number characters up to its newline, and exactly
  // `dim` numbers; a binary vector almost surely has another byte first.
  const vector = bytes.subarray(space + 1, space + 1 + header.dim * F32_BYTES);
  for (let i = 0; i < vector.length; i++) {
    const b = vector[i]!;
    if (b === NEWLINE) {
      const values = latin1(vector.subarray(0, i)).trim().split(/\s+/);
      return values.length === header.dim && values[0] !== ""
        ? "word2vec-text"
        : "word2vec-binary";
    }
    if (!isNumberTextByte(b)) return "word2vec-binary";
  }
  return "word2vec-text";
}

// ---------------------------------------------------------------------------
// Encoding

function* encodeChunks(
  model: Model,
  options: SaveModelOptions,
): Generator<Uint8Array, void, undefined> {
  if (!(model instanceof Model)) {
    throw new TypeError(
      `Cannot save model: expected a Model, got ${describe(model)}`,
    );
  }
  const format = checkFormat(options.format ?? "native");
  if (options.createdAt !== undefined) {
    if (
      !(options.createdAt instanceof Date) ||
      Number.isNaN(options.createdAt.getTime())
    ) {
      throw new TypeError(
        `Cannot save model: createdAt must be a valid Date, got ${
          String(options.createdAt)
        }`,
      );
    }
  }
  checkFinite(model, "input", model.input);
  if (model.output !== null && format === "native") {
    checkFinite(model, "output", model.output);
  }
  if (format === "native") {
    yield* encodeNative(model, options.createdAt);
  } else {
    for (const word of model.vocab.words) checkW2vId(word, format);
    if (format === "word2vec-text") yield* encodeW2vText(model);
    else yield* encodeW2vBinary(model);
  }
}

function* encodeNative(
  model: Model,
  createdAt: Date | undefined,
): Generator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  const crc = new Crc32();
  const emit = (bytes: Uint8Array): Uint8Array => {
    crc.update(bytes);
    return bytes;
  };
  const header: Record<string, unknown> = {
    dim: model.dim,
    size: model.size,
    output: model.output !== null,
    params: sortedParams(model.params),
  };
  if (createdAt !== undefined) header.createdAt = createdAt.toISOString();
  const json = encoder.encode(JSON.stringify(header));
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  preamble.set(MAGIC);
  const view = new DataView(preamble.buffer);
  view.setUint32(MAGIC.length, NATIVE_FORMAT_VERSION, true);
  view.setUint32(MAGIC.length + U32_BYTES, json.length, true);
  yield emit(preamble);
  yield emit(json);
  let offset = PREAMBLE_BYTES + json.length;

  const { words, counts } = model.vocab;
  let block = new Uint8Array(CHUNK_BYTES);
  let blockView = new DataView(block.buffer);
  let used = 0;
  for (let i = 0; i < words.length; i++) {
    const id = encoder.encode(words[i]!);
    const need = U32_BYTES + id.length + F64_BYTES;
    if (used + need > block.length) {
      if (used > 0) yield emit(block.slice(0, used));
      used = 0;
      if (need > block.length) {
        block = new Uint8Array(need);
        blockView = new DataView(block.buffer);
      }
    }
    blockView.setUint32(used, id.length, true);
    block.set(id, used + U32_BYTES);
    blockView.setFloat64(used + U32_BYTES + id.length, counts[i]!, true);
    used += need;
    offset += need;
  }
  const padding = (F32_BYTES - (offset % F32_BYTES)) % F32_BYTES;
  used += padding;
  block.fill(0, used - padding, used);
  if (used > 0) yield emit(block.slice(0, used));

  for (const chunk of matrixChunks(model.input)) yield emit(chunk);
  if (model.output !== null) {
    for (const chunk of matrixChunks(model.output)) yield emit(chunk);
  }
  const tail = new Uint8Array(CHECKSUM_BYTES);
  new DataView(tail.buffer).setUint32(0, crc.digest(), true);
  yield tail;
}

function* encodeW2vText(model: Model): Generator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  const { dim } = model;
  const { words } = model.vocab;
  const input = model.input;
  yield encoder.encode(`${words.length} ${dim}\n`);
  let lines: string[] = [];
  let chars = 0;
  const values: string[] = new Array(dim);
  for (let i = 0; i < words.length; i++) {
    const base = i * dim;
    for (let j = 0; j < dim; j++) values[j] = formatF32(input[base + j]!);
    const line = `${words[i]!} ${values.join(" ")}\n`;
    lines.push(line);
    chars += line.length;
    if (chars >= CHUNK_BYTES) {
      yield encoder.encode(lines.join(""));
      lines = [];
      chars = 0;
    }
  }
  if (lines.length > 0) yield encoder.encode(lines.join(""));
}

function* encodeW2vBinary(
  model: Model,
): Generator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  const { dim } = model;
  const { words } = model.vocab;
  const rowBytes = dim * F32_BYTES;
  yield encoder.encode(`${words.length} ${dim}\n`);
  let block = new Uint8Array(CHUNK_BYTES);
  let used = 0;
  for (let i = 0; i < words.length; i++) {
    const id = encoder.encode(words[i]!);
    const need = id.length + 1 + rowBytes + 1;
    if (used + need > block.length) {
      if (used > 0) yield block.slice(0, used);
      used = 0;
      if (need > block.length) block = new Uint8Array(need);
    }
    block.set(id, used);
    block[used + id.length] = SPACE;
    const row = model.input.subarray(i * dim, (i + 1) * dim);
    block.set(littleEndianBytes(row), used + id.length + 1);
    block[used + need - 1] = NEWLINE;
    used += need;
  }
  if (used > 0) yield block.slice(0, used);
}

function* matrixChunks(
  matrix: Float32Array,
): Generator<Uint8Array, void, undefined> {
  const floatsPerChunk = CHUNK_BYTES / F32_BYTES;
  for (let at = 0; at < matrix.length; at += floatsPerChunk) {
    yield littleEndianBytes(matrix.subarray(at, at + floatsPerChunk));
  }
}

function littleEndianBytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    view.setFloat32(i * F32_BYTES, values[i]!, true);
  }
  return out;
}

/**
 * Formats an f32 with the fewest of 7, 8 or 9 significant digits that read
 * back (`Math.fround(Number(s))`) as the same f32, without trailing zeros.
 * Nine digits always suffice for an f32, so the loop ends.
 */
function formatF32(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  let text = value.toPrecision(SHORT_TEXT_DIGITS);
  for (
    let digits = SHORT_TEXT_DIGITS + 1;
    Math.fround(Number(text)) !== value;
    digits++
  ) {
    text = value.toPrecision(digits);
  }
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const exponent = e < 0 ? "" : text.slice(e);
  if (mantissa.indexOf(".") < 0) return text;
  let end = mantissa.length;
  while (mantissa.charCodeAt(end - 1) === 0x30) end--;
  if (mantissa.charCodeAt(end - 1) === 0x2e) end--;
  return mantissa.slice(0, end) + exponent;
}

function sortedParams(
  params: Partial<TrainParams>,
): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  const record = params as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new RangeError(
        `Cannot save model: parameter ${key} is ${value}, not a finite number`,
      );
    }
    if (
      typeof value !== "number" && typeof value !== "string" &&
      typeof value !== "boolean"
    ) {
      throw new TypeError(
        `Cannot save model: parameter ${key} must be a number, a string or a boolean, got ${
          describe(value)
        }`,
      );
    }
    out[key] = value;
  }
  return out;
}

function checkFinite(
  model: Model,
  which: "input" | "output",
  matrix: Float32Array,
): void {
  for (let i = 0; i < matrix.length; i++) {
    const v = matrix[i]!;
    if (v - v !== 0) {
      const row = Math.floor(i / model.dim);
      throw new RangeError(
        `Cannot save model: the ${which} vector of "${
          model.vocab.word(row)
        }" has ${v} at component ${i - row * model.dim}`,
      );
    }
  }
}

function checkW2vId(word: string, format: ModelFormat): void {
  if (word === "" || /\s/.test(word)) {
    throw new RangeError(
      `Cannot save model as ${format}: account id ${
        JSON.stringify(word)
      } is empty or contains whitespace`,
    );
  }
}

// ---------------------------------------------------------------------------
// Decoding: parsers are generators that yield a buffer to fill and receive
// the number of bytes written into it (0 at the end of the input). One parser
// serves both in-memory bytes and streamed files.

type Parser = Generator<Uint8Array, Model, number>;
type Step<T> = Generator<Uint8Array, T, number>;

/** Buffered, offset-tracking reader on top of the fill protocol. */
class Reader {
  readonly name: string;
  /** Total input length in bytes, when known. */
  readonly length: number | undefined;
  #buf = new Uint8Array(CHUNK_BYTES);
  #start = 0;
  #end = 0;
  #eof = false;
  /** Absolute offset of the next unread byte. */
  offset = 0;
  /** Checksum of every byte consumed, when tracked. */
  crc: Crc32 | null = null;

  constructor(name: string, length: number | undefined) {
    this.name = name;
    this.length = length;
  }

  /** Bytes buffered and not yet consumed. */
  get available(): number {
    return this.#end - this.#start;
  }

  /** Whether the input has ended and the buffer is empty. */
  get atEnd(): boolean {
    return this.#eof && this.#start === this.#end;
  }

  /** The unread buffered bytes (valid until the next fill). */
  peek(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  /** Buffers at least `min` bytes unless the input ends first; returns whether it did. */
  *fill(min: number): Step<boolean> {
    if (this.#end - this.#start >= min) return true;
    if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    if (this.#buf.length < min) {
      const grown = new Uint8Array(Math.max(min, this.#buf.length * 2));
      grown.set(this.#buf.subarray(0, this.#end));
      this.#buf = grown;
    }
    while (this.#end < min && !this.#eof) {
      const n = yield this.#buf.subarray(this.#end);
      if (n === 0) this.#eof = true;
      this.#end += n;
    }
    return this.#end >= min;
  }

  /** Buffers at least one more byte than now, unless the input ends. */
  more(): Step<boolean> {
    return this.fill(this.available + 1);
  }

  /** Consumes `n` buffered bytes and returns them (valid until the next fill). */
  take(n: number): Uint8Array {
    const bytes = this.#buf.subarray(this.#start, this.#start + n);
    this.#start += n;
    this.offset += n;
    this.crc?.update(bytes);
    return bytes;
  }

  /** Fills `target` from the input, buffered bytes first; returns the bytes written. */
  *readInto(target: Uint8Array): Step<number> {
    const fromBuffer = Math.min(this.available, target.length);
    target.set(this.#buf.subarray(this.#start, this.#start + fromBuffer));
    this.#start += fromBuffer;
    let filled = fromBuffer;
    while (filled < target.length && !this.#eof) {
      const n = yield target.subarray(filled);
      if (n === 0) this.#eof = true;
      filled += n;
    }
    this.offset += filled;
    this.crc?.update(target.subarray(0, filled));
    return filled;
  }

  /** An error at a byte offset. */
  errorAt(offset: number, problem: string): InputError {
    return new InputError({ file: this.name, offset }, problem);
  }

  /** An error at a line. */
  errorLine(line: number, problem: string): InputError {
    return new InputError({ file: this.name, line }, problem);
  }
}

function parserFor(format: ModelFormat, reader: Reader): Parser {
  if (format === "native") return parseNative(reader);
  if (format === "word2vec-text") return parseW2vText(reader);
  return parseW2vBinary(reader);
}

/** Decoders of the native format by version, after the preamble. */
const NATIVE_DECODERS: Readonly<
  Record<number, (reader: Reader, headerLength: number) => Parser>
> = {
  1: parseNativeV1,
};

function* parseNative(reader: Reader): Parser {
  reader.crc = new Crc32();
  const ok = yield* reader.fill(PREAMBLE_BYTES);
  const head = reader.peek();
  if (!startsWith(head, MAGIC)) {
    throw reader.errorAt(0, "not an explore2vec model (bad magic bytes)");
  }
  if (!ok) throw truncated(reader, PREAMBLE_BYTES, head.length);
  const preamble = reader.take(PREAMBLE_BYTES);
  const view = new DataView(
    preamble.buffer,
    preamble.byteOffset,
    preamble.byteLength,
  );
  const version = view.getUint32(MAGIC.length, true);
  const headerLength = view.getUint32(MAGIC.length + U32_BYTES, true);
  if (version > NATIVE_FORMAT_VERSION) {
    throw reader.errorAt(
      MAGIC.length,
      `written by format version ${version}; this library reads up to ${NATIVE_FORMAT_VERSION}: upgrade explore2vec`,
    );
  }
  const decoder = NATIVE_DECODERS[version];
  if (decoder === undefined) {
    throw reader.errorAt(
      MAGIC.length,
      `unknown format version ${version}`,
    );
  }
  return yield* decoder(reader, headerLength);
}

function* parseNativeV1(reader: Reader, headerLength: number): Parser {
  const headerOffset = reader.offset;
  if (headerLength > MAX_HEADER_BYTES) {
    throw reader.errorAt(
      headerOffset - U32_BYTES,
      `header length ${headerLength} exceeds the maximum of ${MAX_HEADER_BYTES} bytes`,
    );
  }
  if (!(yield* reader.fill(headerLength))) {
    throw truncated(
      reader,
      headerOffset + headerLength + CHECKSUM_BYTES,
      reader.offset + reader.available,
    );
  }
  const header = parseNativeHeader(
    reader,
    reader.take(headerLength),
    headerOffset,
  );
  const { dim, size, output } = header;
  const matrices = output ? 2 : 1;
  const matrixBytes = size * dim * F32_BYTES;
  const minimum = reader.offset + size * (U32_BYTES + F64_BYTES) +
    matrices * matrixBytes + CHECKSUM_BYTES;
  if (reader.length !== undefined && reader.length < minimum) {
    throw truncated(reader, minimum, reader.length, "at least ");
  }

  const decoder = new TextDecoder("utf-8", { fatal: true });
  const words: string[] = new Array(size);
  const counts = new Float64Array(size);
  const seen = new Map<string, number>();
  let duplicate: { offset: number; word: string; first: number } | undefined;
  for (let i = 0; i < size; i++) {
    const at = reader.offset;
    if (!(yield* reader.fill(U32_BYTES))) {
      throw truncatedVocab(reader, i, size);
    }
    const idLength = readU32(reader.take(U32_BYTES));
    if (idLength > MAX_ID_BYTES) {
      throw reader.errorAt(
        at,
        `account ${i} has an id of ${idLength} bytes, more than the maximum of ${MAX_ID_BYTES}`,
      );
    }
    if (!(yield* reader.fill(idLength + F64_BYTES))) {
      throw truncatedVocab(reader, i, size);
    }
    let word: string;
    try {
      word = decoder.decode(reader.take(idLength));
    } catch {
      throw reader.errorAt(at + U32_BYTES, `account ${i}: invalid UTF-8 id`);
    }
    const countBytes = reader.take(F64_BYTES);
    const count = new DataView(
      countBytes.buffer,
      countBytes.byteOffset,
      F64_BYTES,
    ).getFloat64(0, true);
    if (!(count >= 0) || count === Infinity) {
      throw reader.errorAt(
        at + U32_BYTES + idLength,
        `account "${word}" has count ${count}`,
      );
    }
    const first = seen.get(word);
    if (first !== undefined && duplicate === undefined) {
      duplicate = { offset: at, word, first };
    }
    seen.set(word, i);
    words[i] = word;
    counts[i] = count;
  }

  const padding = (F32_BYTES - (reader.offset % F32_BYTES)) % F32_BYTES;
  const paddingOffset = reader.offset;
  if (!(yield* reader.fill(padding))) {
    throw truncatedAt(reader, paddingOffset, minimum + padding);
  }
  if (reader.take(padding).some((b) => b !== 0)) {
    throw reader.errorAt(paddingOffset, "non-zero padding");
  }
  const expected = reader.offset + matrices * matrixBytes + CHECKSUM_BYTES;
  if (reader.length !== undefined && reader.length !== expected) {
    if (reader.length < expected) {
      throw truncated(reader, expected, reader.length);
    }
    throw reader.errorAt(
      expected,
      `${reader.length - expected} bytes of unexpected data after the checksum`,
    );
  }

  const inputOffset = reader.offset;
  const input = new Float32Array(size * dim);
  yield* readMatrix(reader, input, expected);
  const outputOffset = reader.offset;
  let outputMatrix: Float32Array | null = null;
  if (output) {
    outputMatrix = new Float32Array(size * dim);
    yield* readMatrix(reader, outputMatrix, expected);
  }

  const stored = reader.crc!.digest();
  reader.crc = null;
  const checksumOffset = reader.offset;
  if (!(yield* reader.fill(CHECKSUM_BYTES))) {
    throw truncated(reader, expected, reader.offset + reader.available);
  }
  const written = readU32(reader.take(CHECKSUM_BYTES));
  if (yield* reader.fill(1)) {
    throw reader.errorAt(reader.offset, "unexpected data after the checksum");
  }
  if (written !== stored) {
    throw reader.errorAt(
      checksumOffset,
      `checksum mismatch: the file says ${hex(written)}, the content gives ${
        hex(stored)
      } (the file is corrupt)`,
    );
  }
  if (duplicate !== undefined) {
    throw reader.errorAt(
      duplicate.offset,
      `duplicate account "${duplicate.word}" (first at index ${duplicate.first})`,
    );
  }
  checkMatrixFinite(reader, input, dim, words, "input", inputOffset);
  if (outputMatrix !== null) {
    checkMatrixFinite(reader, outputMatrix, dim, words, "output", outputOffset);
  }
  return new Model({
    vocab: new Vocabulary(words, counts),
    dim,
    input,
    output: outputMatrix,
    params: header.params,
  });
}

interface NativeHeader {
  dim: number;
  size: number;
  output: boolean;
  params: Partial<TrainParams>;
}

function parseNativeHeader(
  reader: Reader,
  bytes: Uint8Array,
  offset: number,
): NativeHeader {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw reader.errorAt(offset, "header is not valid UTF-8 JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw reader.errorAt(offset, "header is not a JSON object");
  }
  const record = value as Record<string, unknown>;
  const { dim, size, output } = record;
  if (!Number.isInteger(dim) || (dim as number) < 1) {
    throw reader.errorAt(
      offset,
      `header: dim must be a positive integer, got ${JSON.stringify(dim)}`,
    );
  }
  if (!Number.isSafeInteger(size) || (size as number) < 0) {
    throw reader.errorAt(
      offset,
      `header: size must be a non-negative integer, got ${
        JSON.stringify(size)
      }`,
    );
  }
  if (typeof output !== "boolean") {
    throw reader.errorAt(
      offset,
      `header: output must be true or false, got ${JSON.stringify(output)}`,
    );
  }
  const params: Record<string, unknown> = {};
  const raw = record.params ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw reader.errorAt(offset, "header: params must be a JSON object");
  }
  for (const [key, v] of Object.entries(raw)) {
    // Parameters this version does not know are skipped.
    if (!(key in PARAM_DEFAULTS)) continue;
    if (typeof v !== typeof PARAM_DEFAULTS[key]) {
      throw reader.errorAt(
        offset,
        `header: parameter ${key} must be a ${typeof PARAM_DEFAULTS[
          key
        ]}, got ${JSON.stringify(v)}`,
      );
    }
    params[key] = v;
  }
  return {
    dim: dim as number,
    size: size as number,
    output,
    params: params as Partial<TrainParams>,
  };
}

function* readMatrix(
  reader: Reader,
  matrix: Float32Array,
  expected: number,
): Step<void> {
  const bytes = new Uint8Array(
    matrix.buffer,
    matrix.byteOffset,
    matrix.byteLength,
  );
  const n = yield* reader.readInto(bytes);
  if (n < bytes.length) throw truncated(reader, expected, reader.offset);
  if (!LITTLE_ENDIAN) swapF32(bytes);
}

function checkMatrixFinite(
  reader: Reader,
  matrix: Float32Array,
  dim: number,
  words: readonly string[],
  which: string,
  offset: number,
): void {
  for (let i = 0; i < matrix.length; i++) {
    const v = matrix[i]!;
    if (v - v !== 0) {
      const row = Math.floor(i / dim);
      throw reader.errorAt(
        offset + i * F32_BYTES,
        `the ${which} vector of account "${words[row]}" has ${v} at component ${
          i - row * dim
        }`,
      );
    }
  }
}

function* parseW2vText(reader: Reader): Parser {
  const { rows, dim } = yield* readW2vHeader(reader);
  if (reader.length !== undefined && rows * dim * 2 > reader.length) {
    throw reader.errorLine(
      1,
      `header claims ${rows} rows of ${dim} values, more than a file of ${reader.length} bytes can hold`,
    );
  }
  const input = new Float32Array(rows * dim);
  const words: string[] = new Array(rows);
  const seen = new Map<string, number>();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let row = 0;
  let line = 2;
  while (true) {
    // Gather a block of complete lines (or the final line).
    let last = reader.peek().lastIndexOf(NEWLINE);
    while (last < 0 && !reader.atEnd) {
      if (reader.available > MAX_LINE_BYTES) {
        throw reader.errorLine(
          line,
          `line is longer than the maximum of ${MAX_LINE_BYTES} bytes`,
        );
      }
      if (!(yield* reader.more())) break;
      last = reader.peek().lastIndexOf(NEWLINE);
    }
    if (reader.available === 0) break;
    const blockBytes = reader.take(last < 0 ? reader.available : last + 1);
    let text: string;
    try {
      text = decoder.decode(blockBytes);
    } catch {
      throw reader.errorLine(
        line + firstInvalidLine(blockBytes),
        "invalid UTF-8",
      );
    }
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const content = text.slice(start, end).trimEnd();
      start = end + 1;
      if (content === "") {
        if (row < rows) {
          throw reader.errorLine(
            line,
            `empty line where row ${row + 1} of ${rows} was expected`,
          );
        }
        line++;
        continue;
      }
      if (row >= rows) {
        throw reader.errorLine(
          line,
          `more rows than the ${rows} the header claims`,
        );
      }
      const tokens = content.split(" ");
      const word = tokens[0]!;
      if (word === "") {
        throw reader.errorLine(line, "line starts with a space, not an id");
      }
      const base = row * dim;
      let k = 0;
      for (let t = 1; t < tokens.length; t++) {
        const token = tokens[t]!;
        if (token === "") continue;
        if (k >= dim) {
          throw reader.errorLine(
            line,
            `expected ${dim} values after "${word}" (the header's dimension), got ${
              countValues(tokens)
            }`,
          );
        }
        const v = Math.fround(Number(token));
        if (v - v !== 0) {
          throw reader.errorLine(
            line,
            `value ${k + 1} of "${word}" is ${describeBadNumber(token)}`,
          );
        }
        input[base + k] = v;
        k++;
      }
      if (k !== dim) {
        throw reader.errorLine(
          line,
          `expected ${dim} values after "${word}" (the header's dimension), got ${k}`,
        );
      }
      const first = seen.get(word);
      if (first !== undefined) {
        throw reader.errorLine(
          line,
          `duplicate account "${word}" (first on line ${first + 2})`,
        );
      }
      seen.set(word, row);
      words[row] = word;
      row++;
      line++;
    }
  }
  if (row < rows) {
    throw reader.errorLine(
      line,
      `header claims ${rows} rows but the file ends after ${row}`,
    );
  }
  return w2vModel(words, dim, input);
}

function* parseW2vBinary(reader: Reader): Parser {
  const { rows, dim } = yield* readW2vHeader(reader);
  const rowBytes = dim * F32_BYTES;
  if (
    reader.length !== undefined &&
    rows * (rowBytes + 2) > reader.length - reader.offset
  ) {
    throw reader.errorAt(
      0,
      `truncated: header claims ${rows} rows of ${dim} floats, expected at least ${
        reader.offset + rows * (rowBytes + 2)
      } bytes, got ${reader.length}`,
    );
  }
  const input = new Float32Array(rows * dim);
  const matrixBytes = new Uint8Array(input.buffer);
  const words: string[] = new Array(rows);
  const seen = new Map<string, number>();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let row = 0; row < rows; row++) {
    // Skip the newline that ends the previous vector, if any.
    while ((yield* reader.fill(1)) && reader.peek()[0] === NEWLINE) {
      reader.take(1);
    }
    const at = reader.offset;
    if (reader.atEnd) {
      throw reader.errorAt(
        at,
        `truncated: header claims ${rows} rows but the file ends after ${row}`,
      );
    }
    let space = reader.peek().indexOf(SPACE);
    while (space < 0) {
      if (reader.available > MAX_ID_BYTES) {
        throw reader.errorAt(
          at,
          `no space after an account id within ${MAX_ID_BYTES} bytes (row ${
            row + 1
          } of ${rows})`,
        );
      }
      if (!(yield* reader.more())) {
        throw reader.errorAt(
          at,
          `truncated: row ${row + 1} of ${rows} ends inside its account id`,
        );
      }
      space = reader.peek().indexOf(SPACE);
    }
    const idBytes = reader.take(space);
    reader.take(1);
    if (space === 0 || idBytes.some(isWhitespaceByte)) {
      throw reader.errorAt(
        at,
        `row ${row + 1} of ${rows}: account id is empty or contains whitespace`,
      );
    }
    let word: string;
    try {
      word = decoder.decode(idBytes);
    } catch {
      throw reader.errorAt(at, `row ${row + 1} of ${rows}: invalid UTF-8 id`);
    }
    const vectorOffset = reader.offset;
    const target = matrixBytes.subarray(row * rowBytes, (row + 1) * rowBytes);
    const n = yield* reader.readInto(target);
    if (n < rowBytes) {
      throw reader.errorAt(
        vectorOffset,
        `truncated: the vector of "${word}" (row ${
          row + 1
        } of ${rows}) needs ${rowBytes} bytes, got ${n}`,
      );
    }
    if (!LITTLE_ENDIAN) swapF32(target);
    for (let j = 0; j < dim; j++) {
      const v = input[row * dim + j]!;
      if (v - v !== 0) {
        throw reader.errorAt(
          vectorOffset + j * F32_BYTES,
          `the vector of "${word}" has ${v} at component ${j}`,
        );
      }
    }
    const first = seen.get(word);
    if (first !== undefined) {
      throw reader.errorAt(
        at,
        `duplicate account "${word}" (first in row ${first + 1})`,
      );
    }
    seen.set(word, row);
    words[row] = word;
  }
  while ((yield* reader.fill(1)) && isWhitespaceByte(reader.peek()[0]!)) {
    reader.take(1);
  }
  if (!reader.atEnd) {
    throw reader.errorAt(
      reader.offset,
      `unexpected data after the ${rows} rows the header claims`,
    );
  }
  return w2vModel(words, dim, input);
}

function* readW2vHeader(reader: Reader): Step<{ rows: number; dim: number }> {
  yield* reader.fill(MAX_W2V_HEADER_BYTES);
  if (reader.atEnd) throw reader.errorLine(1, "empty file");
  if (startsWith(reader.peek(), BYTE_ORDER_MARK)) {
    reader.take(BYTE_ORDER_MARK.length);
  }
  const head = reader.peek();
  const end = head.subarray(0, MAX_W2V_HEADER_BYTES).indexOf(NEWLINE);
  const text = latin1(
    head.subarray(0, end < 0 ? Math.min(head.length, 40) : end),
  );
  const header = end < 0 ? undefined : parseW2vHeaderText(text);
  if (header === undefined) {
    throw reader.errorLine(
      1,
      `expected a header line "<rows> <dim>", got ${JSON.stringify(text)}`,
    );
  }
  if (header.dim < 1) {
    throw reader.errorLine(1, `dimension must be at least 1, got 0`);
  }
  reader.take(end + 1);
  return header;
}

function parseW2vHeaderText(
  text: string,
): { rows: number; dim: number } | undefined {
  const match = /^\s*(\d{1,15}) (\d{1,15})\s*$/.exec(text);
  if (match === null) return undefined;
  return { rows: Number(match[1]), dim: Number(match[2]) };
}

function w2vModel(
  words: string[],
  dim: number,
  input: Float32Array,
): Model {
  const counts = new Float64Array(words.length);
  for (let i = 0; i < words.length; i++) counts[i] = words.length - i;
  return new Model({ vocab: new Vocabulary(words, counts), dim, input });
}

// ---------------------------------------------------------------------------
// Helpers

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), slicing by 8. */
class Crc32 {
  static readonly #tables = makeCrcTables();
  #crc = 0xffffffff;

  update(bytes: Uint8Array): void {
    const t = Crc32.#tables;
    let crc = this.#crc;
    let i = 0;
    const n = bytes.length;
    const fast = n - (n % 8);
    for (; i < fast; i += 8) {
      crc ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) |
        (bytes[i + 3]! << 24);
      crc = t[1792 + (crc & 0xff)]! ^ t[1536 + ((crc >>> 8) & 0xff)]! ^
        t[1280 + ((crc >>> 16) & 0xff)]! ^ t[1024 + (crc >>> 24)]! ^
        t[768 + bytes[i + 4]!]! ^ t[512 + bytes[i + 5]!]! ^
        t[256 + bytes[i + 6]!]! ^ t[bytes[i + 7]!]!;
    }
    for (; i < n; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
    this.#crc = crc;
  }

  digest(): number {
    return (this.#crc ^ 0xffffffff) >>> 0;
  }
}

function makeCrcTables(): Uint32Array {
  const POLYNOMIAL = 0xedb88320;
  const t = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const prev = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (t[prev & 0xff]! ^ (prev >>> 8)) >>> 0;
    }
  }
  return t;
}

async function readFull(
  file: Deno.FsFile,
  target: Uint8Array,
): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    const n = await file.read(target.subarray(filled));
    if (n === null || n === 0) break;
    filled += n;
  }
  return filled;
}

function detectOrThrow(bytes: Uint8Array, name: string): ModelFormat {
  if (bytes.length === 0) throw new InputError({ file: name }, "empty file");
  const format = detectModelFormat(bytes);
  if (format === undefined) {
    throw new InputError(
      { file: name, offset: 0 },
      "not an explore2vec model or word2vec file",
    );
  }
  return format;
}

function checkFormat(format: ModelFormat): ModelFormat {
  if (!FORMATS.includes(format)) {
    throw new RangeError(
      `Cannot use model format: unknown format ${
        JSON.stringify(format)
      }, expected one of ${FORMATS.join(", ")}`,
    );
  }
  return format;
}

function truncated(
  reader: Reader,
  expected: number,
  got: number,
  qualifier = "",
): InputError {
  return reader.errorAt(
    got,
    `truncated: expected ${qualifier}${expected} bytes, got ${got}`,
  );
}

function truncatedAt(
  reader: Reader,
  offset: number,
  expected: number,
): InputError {
  return reader.errorAt(
    offset,
    `truncated: expected at least ${expected} bytes, got ${
      reader.offset + reader.available
    }`,
  );
}

function truncatedVocab(
  reader: Reader,
  index: number,
  size: number,
): InputError {
  return reader.errorAt(
    reader.offset,
    `truncated: the file ends inside account ${index} of ${size}`,
  );
}

function readU32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, U32_BYTES).getUint32(
    0,
    true,
  );
}

function swapF32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[i] !== prefix[i]) return false;
  }
  return true;
}

function latin1(bytes: Uint8Array): string {
  return LATIN1.decode(bytes);
}

/** Bytes that can appear in the numbers of a word2vec text row. */
function isNumberTextByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || b === SPACE || b === NEWLINE ||
    b === 0x0d || b === 0x09 || b === 0x2b || b === 0x2d || b === 0x2e ||
    b === 0x65 || b === 0x45 || // e E
    b === 0x6e || b === 0x61 || b === 0x69 || b === 0x66 || // n a i f
    b === 0x4e || b === 0x41 || b === 0x49 || b === 0x46; // N A I F
}

function isWhitespaceByte(b: number): boolean {
  return b === SPACE || b === NEWLINE || b === 0x0d || b === 0x09 ||
    b === 0x0b || b === 0x0c;
}

function countValues(tokens: string[]): number {
  let n = 0;
  for (let t = 1; t < tokens.length; t++) if (tokens[t] !== "") n++;
  return n;
}

function describeBadNumber(token: string): string {
  if (/^[+-]?nan$/i.test(token)) return "NaN";
  if (/^[+-]?inf(inity)?$/i.test(token) || !Number.isNaN(Number(token))) {
    return `infinite (${JSON.stringify(token)})`;
  }
  return `not a number: ${JSON.stringify(token)}`;
}

function firstInvalidLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  let line = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
    line++;
  }
  return 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    return value.constructor?.name ?? "object";
  }
  return typeof value;
}

function isFsError(error: unknown): boolean {
  for (const kind of Object.values(Deno.errors)) {
    if (error instanceof kind) return true;
  }
  return false;
}

function describeFsError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "is a directory";
  return `cannot read: ${error instanceof Error ? error.message : error}`;
}
