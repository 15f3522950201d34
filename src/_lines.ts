/**
 * Streaming line reader shared by the session, post and interaction readers.
 *
 * Reads a file, a byte stream or an in-memory string as blocks of complete
 * lines without holding the whole input. Lines are cut on `\n` at the byte
 * level with `indexOf`, so no JavaScript code runs per character: each block
 * of complete lines is decoded as UTF-8 in one native call (`fatal`, so
 * invalid bytes become an {@linkcode InputError} naming the line), and a
 * trailing `\r` is removed from each line. A leading byte-order mark is
 * skipped. A line longer than `maxLineLength` bytes is an error rather than an
 * out-of-memory crash.
 *
 * @module
 */

import { InputError } from "./errors.ts";

/** Default longest accepted line, in bytes: 64 MiB. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;
/** Bytes read from a file per call. */
const READ_SIZE = 1024 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;

/**
 * An input of lines: a file path (`string` or file `URL`), a byte stream, raw
 * bytes, or in-memory text wrapped as `{ text }`.
 *
 * @example Every kind of source gives the same sessions
 * ```ts
 * import { type LineSource, readSessions } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("a b\nc\n");
 * const sources: LineSource[] = [{ text: "a b\nc\n" }, bytes, new Blob([bytes]).stream()];
 * for (const source of sources) {
 *   const sessions = [];
 *   for await (const s of readSessions(source)) sessions.push(s.accounts);
 *   assert.deepEqual(sessions, [["a", "b"], ["c"]]);
 * }
 * ```
 */
export type LineSource =
  | string
  | URL
  | ReadableStream<Uint8Array>
  | Uint8Array
  | { text: string };

/**
 * Options of {@linkcode readLineBatches}, shared by every reader.
 *
 * @example Name the input in errors and limit line length
 * ```ts
 * import { InputError } from "./errors.ts";
 * import { type ReadLinesOptions, readSessions } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ReadLinesOptions = { name: "upload.txt", maxLineLength: 8 };
 * const bytes = new TextEncoder().encode("a b\nthis line is too long\n");
 * await assert.rejects(async () => {
 *   for await (const _ of readSessions(bytes, options));
 * }, (error) => error instanceof InputError && error.file === "upload.txt" && error.line === 2);
 * ```
 */
export interface ReadLinesOptions {
  /**
   * Name of the input in error messages. Default: the path as given,
   * `"<stream>"` for a stream, `"<bytes>"` for bytes, `"<string>"` for text.
   */
  name?: string;
  /** Longest accepted line in bytes. Default `64 MiB` (67108864). */
  maxLineLength?: number;
}

/** Options of {@linkcode readByteBlocks}. */
export interface ReadByteBlocksOptions extends ReadLinesOptions {
  /**
   * Whether to decode each block into {@linkcode ByteBlock.text}. When
   * `false`, blocks are still validated as UTF-8 (cheaply when they are
   * ASCII) but `text` is `""`. Default `true`.
   */
  decode?: boolean;
}

/** A run of consecutive complete lines. */
export interface LineBatch {
  /** The lines, without their `\n` or `\r\n`. */
  lines: string[];
  /** 1-based line number of `lines[0]`. */
  firstLine: number;
}

/** A run of consecutive complete lines as raw, validated UTF-8 bytes. */
export interface ByteBlock {
  /**
   * Complete lines; every line but possibly the last ends with `\n`. The
   * memory is reused: the bytes are valid until the next block is read.
   */
  bytes: Uint8Array;
  /** 1-based line number of the first line in `bytes`. */
  firstLine: number;
  /** Number of lines in `bytes`. */
  lineCount: number;
  /** `bytes` decoded, or `""` when decoding was turned off. */
  text: string;
}

/**
 * The name of a source in error messages.
 *
 * @param source The input.
 * @param name An explicit name, which wins.
 * @returns The name.
 */
export function sourceName(source: LineSource, name?: string): string {
  if (name !== undefined) return name;
  if (typeof source === "string") return source;
  if (source instanceof URL) {
    return source.protocol === "file:"
      ? decodeURIComponent(source.pathname)
      : source.href;
  }
  if (source instanceof ReadableStream) return "<stream>";
  if (source instanceof Uint8Array) return "<bytes>";
  return "<string>";
}

/**
 * Reads a source as blocks of complete lines, each block as validated UTF-8
 * bytes. Used by readers that tokenise bytes directly.
 *
 * @param source The input.
 * @param options Name and maximum line length.
 * @returns Blocks of complete lines, in order.
 */
export async function* readByteBlocks(
  source: LineSource,
  options: ReadByteBlocksOptions = {},
): AsyncGenerator<ByteBlock> {
  const decode = options.decode ?? true;
  const name = sourceName(source, options.name);
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  if (!(maxLineLength > 0)) {
    throw new RangeError(
      `Cannot read lines: maxLineLength must be > 0, got ${maxLineLength}`,
    );
  }
  if (typeof source === "object" && "text" in source) {
    yield* textAsBlocks(source.text);
    return;
  }
  let carry: Uint8Array[] = [];
  let carryLength = 0;
  let line = 1;
  let first = true;
  // Reused between blocks (a block's bytes are valid until the next block):
  // the joined carry + chunk, and the copy of a chunk's unfinished last line.
  let joined = new Uint8Array(0);
  let restCopy = new Uint8Array(0);
  for await (let chunk of byteChunks(source, name)) {
    if (chunk.length === 0) continue;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
      }
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      const firstNewlineless = carryLength + chunk.length;
      if (firstNewlineless > maxLineLength) {
        throw tooLong(name, line, maxLineLength);
      }
      carry.push(chunk.slice());
      carryLength += chunk.length;
      continue;
    }
    const firstBreak = chunk.indexOf(NEWLINE);
    if (carryLength + firstBreak > maxLineLength) {
      throw tooLong(name, line, maxLineLength);
    }
    checkLineLengths(chunk, firstBreak, last, maxLineLength, name, line + 1);
    const head = chunk.subarray(0, last + 1);
    let bytes = head;
    if (carry.length > 0) {
      const length = carryLength + head.length;
      if (joined.length < length) {
        joined = new Uint8Array(Math.max(length, joined.length * 2));
      }
      bytes = concatInto(joined, carry, head);
    }
    const lineCount = countNewlines(head);
    const text = decodeLines(bytes, name, line, decode);
    yield { bytes, firstLine: line, lineCount, text };
    line += lineCount;
    const rest = chunk.subarray(last + 1);
    if (rest.length > maxLineLength) throw tooLong(name, line, maxLineLength);
    if (rest.length > restCopy.length) {
      restCopy = new Uint8Array(Math.max(rest.length, restCopy.length * 2));
    }
    restCopy.set(rest);
    carry = rest.length > 0 ? [restCopy.subarray(0, rest.length)] : [];
    carryLength = rest.length;
  }
  if (carryLength > 0) {
    const bytes = concat(carry, carryLength, new Uint8Array(0));
    const text = decodeLines(bytes, name, line, decode);
    yield { bytes, firstLine: line, lineCount: 1, text };
  }
}

/**
 * Reads a source as batches of lines with their 1-based line numbers.
 *
 * An empty input gives no lines; a final line without `\n` is still a line; a
 * final `\n` does not start an empty line.
 *
 * @param source The input.
 * @param options Name and maximum line length.
 * @returns Batches of consecutive lines, in order.
 */
export async function* readLineBatches(
  source: LineSource,
  options: ReadLinesOptions = {},
): AsyncGenerator<LineBatch> {
  if (typeof source === "object" && "text" in source) {
    const lines = splitLines(source.text);
    if (lines.length > 0) yield { lines, firstLine: 1 };
    return;
  }
  for await (const block of readByteBlocks(source, options)) {
    yield { lines: splitLines(block.text), firstLine: block.firstLine };
  }
}

/**
 * Splits text into lines on `\n`, dropping a `\r` before it and not creating
 * an empty line after a final `\n`.
 *
 * @param text The text.
 * @returns The lines.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    const stop = end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN
      ? end - 1
      : end;
    lines.push(text.slice(start, stop));
    start = end + 1;
  }
  return lines;
}

function* textAsBlocks(text: string): Generator<ByteBlock> {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length === 0) return;
  let lineCount = countNewlines(bytes);
  if (bytes[bytes.length - 1] !== NEWLINE) lineCount++;
  yield { bytes, firstLine: 1, lineCount, text };
}

async function* byteChunks(
  source: Exclude<LineSource, { text: string }>,
  name: string,
): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  const file = await openFile(source, name);
  try {
    // The consumer may keep subarrays of a chunk until the next one, so two
    // buffers take turns: no allocation per chunk, no garbage to collect.
    const buffers = [new Uint8Array(READ_SIZE), new Uint8Array(READ_SIZE)];
    for (let turn = 0;; turn ^= 1) {
      const buffer = buffers[turn]!;
      let n: number | null;
      try {
        n = await file.read(buffer);
      } catch (error) {
        throw new InputError({ file: name }, describeFsError(error));
      }
      if (n === null) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    file.close();
  }
}

async function openFile(
  path: string | URL,
  name: string,
): Promise<Deno.FsFile> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new InputError({ file: name }, describeFsError(error));
  }
  if (info.isDirectory) throw new InputError({ file: name }, "is a directory");
  try {
    return await Deno.open(path, { read: true });
  } catch (error) {
    throw new InputError({ file: name }, describeFsError(error));
  }
}

function describeFsError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "is a directory";
  return `cannot read: ${error instanceof Error ? error.message : error}`;
}

function decodeLines(
  bytes: Uint8Array,
  name: string,
  firstLine: number,
  decode: boolean,
): string {
  if (!decode && isAscii(bytes)) return "";
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // Find the first bad line below.
  }
  let start = 0;
  let line = firstLine;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end < 0) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      throw new InputError({ file: name, line }, "invalid UTF-8");
    }
    start = end + 1;
    line++;
  }
  throw new InputError({ file: name, line: firstLine }, "invalid UTF-8");
}

/** Whether every byte is below 0x80, testing four bytes at a time. */
function isAscii(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  let any = 0;
  const head = Math.min(n, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) any |= bytes[i]!;
  const words = new Uint32Array(
    bytes.buffer,
    bytes.byteOffset + i,
    (n - i) >>> 2,
  );
  for (let w = 0; w < words.length; w++) any |= words[w]!;
  for (i += words.length * 4; i < n; i++) any |= bytes[i]!;
  return (any & 0x80808080) === 0;
}

function checkLineLengths(
  chunk: Uint8Array,
  firstBreak: number,
  last: number,
  maxLineLength: number,
  name: string,
  secondLine: number,
): void {
  if (last < maxLineLength) return;
  let start = firstBreak + 1;
  let line = secondLine;
  while (start <= last) {
    const end = chunk.indexOf(NEWLINE, start);
    if (end - start > maxLineLength) throw tooLong(name, line, maxLineLength);
    start = end + 1;
    line++;
  }
}

function tooLong(name: string, line: number, max: number): InputError {
  return new InputError(
    { file: name, line },
    `line is longer than the maximum of ${max} bytes`,
  );
}

function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  let i = bytes.indexOf(NEWLINE);
  while (i >= 0) {
    count++;
    i = bytes.indexOf(NEWLINE, i + 1);
  }
  return count;
}

function concatInto(
  out: Uint8Array,
  parts: Uint8Array[],
  tail: Uint8Array,
): Uint8Array {
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  out.set(tail, at);
  return out.subarray(0, at + tail.length);
}

function concat(
  parts: Uint8Array[],
  length: number,
  tail: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(length + tail.length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  out.set(tail, at);
  return out;
}

/**
 * Splits one CSV line into fields. Fields may be quoted with `"`, with `""`
 * for a quote inside; a quoted field cannot span lines.
 *
 * @param text The line.
 * @param delimiter The one-character field delimiter.
 * @param file Input name for errors.
 * @param line 1-based line number for errors.
 * @returns The fields, unquoted.
 */
export function splitCsvLine(
  text: string,
  delimiter: string,
  file: string,
  line: number,
): string[] {
  if (text.indexOf('"') < 0) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  while (true) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = "";
      let from = i + 1;
      while (true) {
        const close = text.indexOf('"', from);
        if (close < 0) {
          throw new InputError(
            { file, line },
            `unterminated quoted field ${fields.length + 1}`,
          );
        }
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === n) return fields;
      if (text[i] !== delimiter) {
        throw new InputError(
          { file, line },
          `unexpected text after quoted field ${fields.length}`,
        );
      }
      i++;
    } else {
      const end = text.indexOf(delimiter, i);
      if (end < 0) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, end));
      i = end + 1;
    }
    if (i === n) {
      fields.push("");
      return fields;
    }
  }
}

/** ISO 8601 date, optionally with a time: `2024-05-01`, `2024-05-01T10:00:00Z`. */
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** A plain decimal number, as written in CSV time columns. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a timestamp: a finite number of seconds since the epoch, a string
 * holding such a number, or an ISO 8601 date string.
 *
 * @param value The value from a JSON field or CSV cell.
 * @param file Input name for errors.
 * @param line 1-based line number for errors.
 * @returns Seconds since the epoch.
 */
export function parseTimestamp(
  value: unknown,
  file: string,
  line: number,
): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === "string") {
    const trimmed = value.trim();
    if (DECIMAL.test(trimmed)) {
      const seconds = Number(trimmed);
      if (Number.isFinite(seconds)) return seconds;
    }
    if (ISO_DATE.test(trimmed)) {
      const ms = Date.parse(trimmed.replace(" ", "T"));
      if (Number.isFinite(ms)) return ms / 1000;
    }
  }
  throw new InputError(
    { file, line },
    `invalid timestamp ${
      typeof value === "number"
        ? String(value)
        : JSON.stringify(value) ?? String(value)
    }`,
  );
}

/**
 * The line formats of session, post and interaction files.
 *
 * @example
 * ```ts
 * import { type LineFormat, parseSessionsText } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const inputs: [LineFormat, string][] = [
 *   ["text", "a b"],
 *   ["jsonl", '["a", "b"]'],
 *   ["csv", "session,account\n1,a\n1,b"],
 * ];
 * for (const [format, text] of inputs) {
 *   assert.deepEqual(parseSessionsText(text, { format })[0]?.accounts, ["a", "b"]);
 * }
 * ```
 */
export type LineFormat = "text" | "jsonl" | "csv";

/**
 * The format of a source: the explicit one, else from the file extension
 * (`.jsonl` and `.ndjson` are JSONL, `.csv` is CSV), else `fallback`.
 *
 * @param source The input.
 * @param format An explicit format, which wins.
 * @param fallback The format when nothing else decides.
 * @returns The format.
 */
export function detectFormat(
  source: LineSource,
  format: LineFormat | undefined,
  fallback: LineFormat,
): LineFormat {
  if (format !== undefined) {
    if (format !== "text" && format !== "jsonl" && format !== "csv") {
      throw new RangeError(
        `Cannot read input: format must be "text", "jsonl" or "csv", got ${
          JSON.stringify(format)
        }`,
      );
    }
    return format;
  }
  const path = typeof source === "string"
    ? source
    : source instanceof URL
    ? source.pathname
    : "";
  const lower = path.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".csv")) return "csv";
  return fallback;
}

/**
 * Finds a column in a CSV header: the explicit name, else the first of the
 * usual names present.
 *
 * @param header The header fields.
 * @param explicit A column name given by the caller; it must be present.
 * @param usual Accepted names, in order of preference.
 * @param file Input name for errors.
 * @param line The header's line number.
 * @returns The column index, or `-1` when neither is present and the column
 *   was not given explicitly.
 */
export function findColumn(
  header: readonly string[],
  explicit: string | undefined,
  usual: readonly string[],
  file: string,
  line: number,
): number {
  if (explicit !== undefined) {
    const at = header.indexOf(explicit);
    if (at < 0) {
      throw new InputError(
        { file, line },
        `missing column ${JSON.stringify(explicit)}`,
      );
    }
    return at;
  }
  for (const name of usual) {
    const at = header.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/**
 * Parses one JSONL line.
 *
 * @param text The line.
 * @param file Input name for errors.
 * @param line 1-based line number for errors.
 * @returns The parsed value.
 * @throws {InputError} When the line is not valid JSON.
 */
export function parseJsonValue(
  text: string,
  file: string,
  line: number,
): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(
      { file, line },
      `invalid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * Parses one JSONL line that must hold a JSON object.
 *
 * @param text The line.
 * @param what What the object describes, for the error message.
 * @param file Input name for errors.
 * @param line 1-based line number for errors.
 * @returns The object.
 */
export function parseJsonObject(
  text: string,
  what: string,
  file: string,
  line: number,
): Record<string, unknown> {
  const value = parseJsonValue(text, file, line);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(
      { file, line },
      `expected a JSON object describing ${what}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Reads a required, non-empty string field.
 *
 * @param record The parsed record.
 * @param names Accepted field names, in order of preference.
 * @param file Input name for errors.
 * @param line 1-based line number for errors.
 * @returns The string.
 */
export function requireString(
  record: Record<string, unknown>,
  names: readonly string[],
  file: string,
  line: number,
): string {
  let value: unknown;
  for (const name of names) {
    value = record[name];
    if (value !== undefined) break;
  }
  if (value === undefined) {
    throw new InputError({ file, line }, `missing field "${names[0]}"`);
  }
  if (typeof value !== "string" || value === "") {
    throw new InputError(
      { file, line },
      `expected "${names[0]}" to be a non-empty string, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}
