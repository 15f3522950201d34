/**
 * Reads user–post interactions from JSONL or CSV, streaming.
 *
 * Fields (JSONL keys or CSV header names): `user` (or `user_id`) and
 * `post_id` (or `postId`), non-empty strings; `liked`, `saved` and `hidden`,
 * each `true` / `false` or `1` / `0` (in CSV also the strings `true` /
 * `false`), all three required; optional `ts` (seconds since the epoch, or
 * an ISO 8601 date string). Every malformed line is an
 * {@linkcode InputError} naming file and line; nothing is skipped.
 *
 * @module
 */

import {
  detectFormat,
  findColumn,
  type LineFormat,
  type LineSource,
  parseJsonObject,
  parseTimestamp,
  readLineBatches,
  type ReadLinesOptions,
  requireString,
  sourceName,
  splitCsvLine,
} from "./_lines.ts";
import { InputError } from "./errors.ts";
import type { Interaction } from "./records.ts";

const USER_FIELDS = ["user", "user_id"] as const;
const POST_ID_FIELDS = ["post_id", "postId"] as const;
const ACTIONS = ["liked", "saved", "hidden"] as const;
const TIME_FIELDS = ["ts"] as const;

/**
 * Options of {@linkcode readInteractions}.
 *
 * @example Semicolon-separated CSV
 * ```ts
 * import { readInteractions, type ReadInteractionsOptions } from "./read_interactions.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ReadInteractionsOptions = { format: "csv", delimiter: ";" };
 * const text = "user;post_id;liked;saved;hidden;ts\nu1;p1;true;true;false;2024-01-01T00:00:00Z\n";
 * const rows = [];
 * for await (const row of readInteractions({ text }, options)) rows.push(row);
 * assert.deepEqual(rows, [{ user: "u1", postId: "p1", liked: true, saved: true, hidden: false, ts: 1704067200 }]);
 * ```
 */
export interface ReadInteractionsOptions extends ReadLinesOptions {
  /**
   * The format, `"jsonl"` or `"csv"`. Default: `"csv"` for a `.csv` file,
   * else `"jsonl"`.
   */
  format?: "jsonl" | "csv";
  /** CSV field delimiter, one character. Default `","`. */
  delimiter?: string;
}

/**
 * Streams the interactions of a JSONL or CSV file, byte stream or text.
 *
 * @param source A path, file URL, byte stream, bytes, or `{ text }`.
 * @param options Format, CSV delimiter, error name and line limit.
 * @returns The interactions, in order.
 *
 * @example
 * ```ts
 * import { readInteractions } from "./read_interactions.ts";
 * import assert from "node:assert/strict";
 *
 * const text = "user,post_id,liked,saved,hidden\nu1,p1,1,false,0\n";
 * const rows = [];
 * for await (const row of readInteractions({ text }, { format: "csv" })) rows.push(row);
 * assert.deepEqual(rows, [
 *   { user: "u1", postId: "p1", liked: true, saved: false, hidden: false },
 * ]);
 * ```
 */
export async function* readInteractions(
  source: LineSource,
  options: ReadInteractionsOptions = {},
): AsyncGenerator<Interaction> {
  const file = sourceName(source, options.name);
  const format: LineFormat = detectFormat(source, options.format, "jsonl");
  if (format === "text") {
    throw new RangeError(
      'Cannot read interactions: format must be "jsonl" or "csv", got "text"',
    );
  }
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"') {
    throw new RangeError(
      `Cannot read interactions: delimiter must be one character other than '"', got ${
        JSON.stringify(delimiter)
      }`,
    );
  }
  let columns: CsvColumns | undefined;
  for await (const { lines, firstLine } of readLineBatches(source, options)) {
    for (let i = 0; i < lines.length; i++) {
      const line = firstLine + i;
      const text = lines[i]!;
      if (format === "jsonl") {
        yield fromJson(text, file, line);
      } else if (columns === undefined) {
        columns = readHeader(text, delimiter, file, line);
      } else {
        yield fromCsv(text, delimiter, columns, file, line);
      }
    }
  }
}

function fromJson(text: string, file: string, line: number): Interaction {
  const record = parseJsonObject(text, "an interaction", file, line);
  const interaction: Interaction = {
    user: requireString(record, USER_FIELDS, file, line),
    postId: requireString(record, POST_ID_FIELDS, file, line),
    liked: flag(record.liked, "liked", false, file, line),
    saved: flag(record.saved, "saved", false, file, line),
    hidden: flag(record.hidden, "hidden", false, file, line),
  };
  if (record.ts !== undefined && record.ts !== null) {
    interaction.ts = parseTimestamp(record.ts, file, line);
  }
  return interaction;
}

interface CsvColumns {
  count: number;
  user: number;
  postId: number;
  liked: number;
  saved: number;
  hidden: number;
  ts: number;
}

function readHeader(
  text: string,
  delimiter: string,
  file: string,
  line: number,
): CsvColumns {
  const header = splitCsvLine(text, delimiter, file, line).map((name) =>
    name.trim()
  );
  function required(names: readonly string[]): number {
    const at = findColumn(header, undefined, names, file, line);
    if (at < 0) {
      throw new InputError({ file, line }, `missing column "${names[0]}"`);
    }
    return at;
  }
  return {
    count: header.length,
    user: required(USER_FIELDS),
    postId: required(POST_ID_FIELDS),
    liked: required(["liked"]),
    saved: required(["saved"]),
    hidden: required(["hidden"]),
    ts: findColumn(header, undefined, TIME_FIELDS, file, line),
  };
}

function fromCsv(
  text: string,
  delimiter: string,
  columns: CsvColumns,
  file: string,
  line: number,
): Interaction {
  const fields = splitCsvLine(text, delimiter, file, line);
  if (fields.length !== columns.count) {
    throw new InputError(
      { file, line },
      `expected ${columns.count} fields, got ${fields.length}`,
    );
  }
  const user = fields[columns.user]!;
  if (user === "") throw new InputError({ file, line }, "empty user id");
  const postId = fields[columns.postId]!;
  if (postId === "") throw new InputError({ file, line }, "empty post id");
  const interaction: Interaction = {
    user,
    postId,
    liked: flag(fields[columns.liked], ACTIONS[0], true, file, line),
    saved: flag(fields[columns.saved], ACTIONS[1], true, file, line),
    hidden: flag(fields[columns.hidden], ACTIONS[2], true, file, line),
  };
  if (columns.ts >= 0 && fields[columns.ts] !== "") {
    interaction.ts = parseTimestamp(fields[columns.ts], file, line);
  }
  return interaction;
}

function flag(
  value: unknown,
  name: string,
  csv: boolean,
  file: string,
  line: number,
): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  if (csv && typeof value === "string") {
    const trimmed = value.trim().toLowerCase();
    if (trimmed === "1" || trimmed === "true") return true;
    if (trimmed === "0" || trimmed === "false") return false;
  }
  if (value === undefined) {
    throw new InputError({ file, line }, `missing field "${name}"`);
  }
  throw new InputError(
    { file, line },
    `expected "${name}" to be true, false, 1 or 0, got ${
      JSON.stringify(value)
    }`,
  );
}
