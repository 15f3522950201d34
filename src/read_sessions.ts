/**
 * Reads sessions from text, JSONL or CSV, streaming.
 *
 * - `text`: one session per line, account ids separated by ASCII whitespace
 *   (space, tab, `\v`, `\f`, `\r`). Every line is a session: an empty line is
 *   yielded as an empty session (it gives no training pairs), so session `i`
 *   is always line `i + 1`.
 * - `jsonl`: each line is a JSON array of account id strings, or an object
 *   with `accounts` (array of strings), optional `user` (string) and optional
 *   `ts` (seconds since the epoch, or an ISO 8601 date string).
 * - `csv`: a header row, then one event per row. Rows are grouped into
 *   sessions by the session column (`session`, `session_id`), else by the user
 *   column (`user`, `user_id`); accounts come from `account`, `account_id`,
 *   `item` or `item_id`; time from `ts`, `time` or `timestamp` (seconds, or ISO
 *   dates). Within a session rows are ordered by time (stable); with
 *   `gapSeconds`, a pause longer than that splits a group into several
 *   sessions. Sessions come out ordered by start time, then by first
 *   appearance. Grouping needs every row before the first session is
 *   yielded; rows are held compactly, as 16 bytes of typed arrays per row plus
 *   one string per distinct account and group.
 *
 * Every malformed line is an {@linkcode InputError} naming file and line;
 * nothing is skipped.
 *
 * @module
 */

import {
  detectFormat,
  findColumn,
  type LineFormat,
  type LineSource,
  parseJsonValue,
  parseTimestamp,
  readLineBatches,
  type ReadLinesOptions,
  sourceName,
  splitCsvLine,
  splitLines,
} from "./_lines.ts";
import { InputError } from "./errors.ts";
import type { Session } from "./records.ts";

export type { LineFormat, LineSource, ReadLinesOptions } from "./_lines.ts";

/** ASCII whitespace that separates ids in the text format. */
const TEXT_SEPARATOR = /[ \t\n\v\f\r]+/;
const SESSION_COLUMNS = ["session", "session_id"] as const;
const USER_COLUMNS = ["user", "user_id"] as const;
const ACCOUNT_COLUMNS = ["account", "account_id", "item", "item_id"] as const;
const TIME_COLUMNS = ["ts", "time", "timestamp"] as const;
const INITIAL_ROWS = 1024;

/**
 * Options of {@linkcode readSessions} and {@linkcode parseSessionsText}.
 *
 * @example CSV with other column names and a gap that splits sessions
 * ```ts
 * import { parseSessionsText, type ReadSessionsOptions } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ReadSessionsOptions = {
 *   format: "csv",
 *   delimiter: ";",
 *   userColumn: "who",
 *   accountColumn: "page",
 *   timeColumn: "at",
 *   gapSeconds: 1800,
 * };
 * const text = "who;page;at\nu1;cats;0\nu1;dogs;60\nu1;birds;7200\n";
 * assert.deepEqual(parseSessionsText(text, options).map((s) => s.accounts), [["cats", "dogs"], ["birds"]]);
 * ```
 */
export interface ReadSessionsOptions extends ReadLinesOptions {
  /**
   * The format. Default: from the file extension (`.jsonl` / `.ndjson` →
   * `"jsonl"`, `.csv` → `"csv"`), else `"text"`.
   */
  format?: LineFormat;
  /** CSV field delimiter, one character. Default `","`. */
  delimiter?: string;
  /** CSV session column. Default `session` or `session_id` when present. */
  sessionColumn?: string;
  /** CSV user column. Default `user` or `user_id` when present. */
  userColumn?: string;
  /**
   * CSV account column. Default the first present of `account`,
   * `account_id`, `item`, `item_id`.
   */
  accountColumn?: string;
  /** CSV time column. Default `ts`, `time` or `timestamp` when present. */
  timeColumn?: string;
  /**
   * CSV only: split a group's events into separate sessions where more than
   * this many seconds pass between two events. Needs a time column. Default
   * no splitting.
   */
  gapSeconds?: number;
}

/**
 * Streams the sessions of a file, byte stream or in-memory text.
 *
 * @param source A path, file URL, byte stream, bytes, or `{ text }`.
 * @param options Format, CSV columns and gap, error name, line limit.
 * @returns The sessions, in order.
 *
 * @example
 * ```ts
 * import { readSessions } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const text = "user,account,ts\nu1,cats,20\nu2,dogs,5\nu1,birds,10\n";
 * const sessions = [];
 * for await (const s of readSessions({ text }, { format: "csv" })) sessions.push(s);
 * assert.deepEqual(sessions, [
 *   { accounts: ["dogs"], user: "u2", ts: 5 },
 *   { accounts: ["birds", "cats"], user: "u1", ts: 10 },
 * ]);
 * ```
 */
export async function* readSessions(
  source: LineSource,
  options: ReadSessionsOptions = {},
): AsyncGenerator<Session> {
  const parser = new SessionParser(
    sourceName(source, options.name),
    detectFormat(source, options.format, "text"),
    options,
  );
  for await (const batch of readLineBatches(source, options)) {
    const { lines, firstLine } = batch;
    for (let i = 0; i < lines.length; i++) {
      const session = parser.line(lines[i]!, firstLine + i);
      if (session !== undefined) yield session;
    }
  }
  yield* parser.finish();
}

/**
 * Parses sessions from in-memory text, synchronously. Same formats and rules
 * as {@linkcode readSessions}; the format defaults to `"text"`.
 *
 * @param text The whole input.
 * @param options Format, CSV columns and gap, error name (default
 *   `"<string>"`).
 * @returns The sessions, in order.
 *
 * @example
 * ```ts
 * import { parseSessionsText } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseSessionsText("a b\n\nc\n"), [
 *   { accounts: ["a", "b"] },
 *   { accounts: [] },
 *   { accounts: ["c"] },
 * ]);
 * ```
 */
export function parseSessionsText(
  text: string,
  options: ReadSessionsOptions = {},
): Session[] {
  const parser = new SessionParser(
    options.name ?? "<string>",
    detectFormat({ text }, options.format, "text"),
    options,
  );
  const sessions: Session[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const session = parser.line(lines[i]!, i + 1);
    if (session !== undefined) sessions.push(session);
  }
  sessions.push(...parser.finish());
  return sessions;
}

/** Turns lines into sessions; CSV rows are held until {@linkcode finish}. */
class SessionParser {
  #file: string;
  #format: LineFormat;
  #options: ReadSessionsOptions;
  #csv: CsvGrouper | undefined;

  constructor(file: string, format: LineFormat, options: ReadSessionsOptions) {
    this.#file = file;
    this.#format = format;
    this.#options = options;
    const gap = options.gapSeconds;
    if (gap !== undefined && !(gap >= 0)) {
      throw new RangeError(
        `Cannot read sessions: gapSeconds must be >= 0, got ${gap}`,
      );
    }
    const delimiter = options.delimiter ?? ",";
    if (delimiter.length !== 1 || delimiter === '"') {
      throw new RangeError(
        `Cannot read sessions: delimiter must be one character other than '"', got ${
          JSON.stringify(delimiter)
        }`,
      );
    }
  }

  line(text: string, line: number): Session | undefined {
    switch (this.#format) {
      case "text":
        return parseTextLine(text);
      case "jsonl":
        return parseJsonLine(text, this.#file, line);
      case "csv":
        if (this.#csv === undefined) {
          this.#csv = new CsvGrouper(this.#file, text, line, this.#options);
        } else this.#csv.row(text, line);
        return undefined;
    }
  }

  *finish(): Generator<Session> {
    if (this.#csv !== undefined) yield* this.#csv.finish();
  }
}

function parseTextLine(text: string): Session {
  const accounts = text.split(TEXT_SEPARATOR);
  if (accounts.length > 0 && accounts[0] === "") accounts.shift();
  if (accounts.length > 0 && accounts[accounts.length - 1] === "") {
    accounts.pop();
  }
  return { accounts };
}

function parseJsonLine(text: string, file: string, line: number): Session {
  const value = parseJsonValue(text, file, line);
  let accounts: unknown = value;
  const session: Session = { accounts: [] };
  if (!Array.isArray(value)) {
    if (value === null || typeof value !== "object") {
      throw new InputError(
        { file, line },
        'expected a JSON array of strings or an object with "accounts"',
      );
    }
    const record = value as Record<string, unknown>;
    accounts = record.accounts;
    if (!Array.isArray(accounts)) {
      throw new InputError(
        { file, line },
        'expected a JSON array of strings or an object with "accounts"',
      );
    }
    if (record.user !== undefined) {
      if (typeof record.user !== "string") {
        throw new InputError(
          { file, line },
          `expected "user" to be a string, got ${JSON.stringify(record.user)}`,
        );
      }
      session.user = record.user;
    }
    if (record.ts !== undefined) {
      session.ts = parseTimestamp(record.ts, file, line);
    }
  }
  const ids = accounts as unknown[];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (typeof id !== "string") {
      throw new InputError(
        { file, line },
        `expected account id ${i} to be a string, got ${JSON.stringify(id)}`,
      );
    }
    if (id === "") {
      throw new InputError({ file, line }, `account id ${i} is empty`);
    }
  }
  session.accounts = ids as string[];
  return session;
}

/**
 * Holds CSV rows compactly (group, account, time per row in typed arrays)
 * and groups them into sessions at the end.
 */
class CsvGrouper {
  #file: string;
  #delimiter: string;
  #fieldCount: number;
  #groupColumn: number;
  #userColumn: number;
  #accountColumn: number;
  #timeColumn: number;
  #gap: number;
  #groupIndex = new Map<string, number>();
  #groupUser: (string | undefined)[] = [];
  #accountIndex = new Map<string, number>();
  #accounts: string[] = [];
  #rowGroup = new Int32Array(INITIAL_ROWS);
  #rowAccount = new Int32Array(INITIAL_ROWS);
  #rowTime = new Float64Array(INITIAL_ROWS);
  #rows = 0;

  constructor(
    file: string,
    headerLine: string,
    line: number,
    options: ReadSessionsOptions,
  ) {
    this.#file = file;
    this.#delimiter = options.delimiter ?? ",";
    const header = splitCsvLine(headerLine, this.#delimiter, file, line).map(
      (name) => name.trim(),
    );
    this.#fieldCount = header.length;
    const session = findColumn(
      header,
      options.sessionColumn,
      SESSION_COLUMNS,
      file,
      line,
    );
    this.#userColumn = findColumn(
      header,
      options.userColumn,
      USER_COLUMNS,
      file,
      line,
    );
    this.#groupColumn = session >= 0 ? session : this.#userColumn;
    if (this.#groupColumn < 0) {
      throw new InputError(
        { file, line },
        'missing column "session" (or "session_id", "user", "user_id")',
      );
    }
    this.#accountColumn = findColumn(
      header,
      options.accountColumn,
      ACCOUNT_COLUMNS,
      file,
      line,
    );
    if (this.#accountColumn < 0) {
      throw new InputError(
        { file, line },
        'missing column "account" (or "account_id", "item", "item_id")',
      );
    }
    this.#timeColumn = findColumn(
      header,
      options.timeColumn,
      TIME_COLUMNS,
      file,
      line,
    );
    this.#gap = options.gapSeconds ?? Infinity;
    if (options.gapSeconds !== undefined && this.#timeColumn < 0) {
      throw new InputError(
        { file, line },
        'missing column "ts" (or "time", "timestamp"), needed by gapSeconds',
      );
    }
  }

  row(text: string, line: number): void {
    const file = this.#file;
    const fields = splitCsvLine(text, this.#delimiter, file, line);
    if (fields.length !== this.#fieldCount) {
      throw new InputError(
        { file, line },
        `expected ${this.#fieldCount} fields, got ${fields.length}`,
      );
    }
    const groupKey = fields[this.#groupColumn]!;
    if (groupKey === "") {
      throw new InputError({ file, line }, "empty session or user id");
    }
    const account = fields[this.#accountColumn]!;
    if (account === "") {
      throw new InputError({ file, line }, "empty account id");
    }
    const time = this.#timeColumn < 0
      ? 0
      : parseTimestamp(fields[this.#timeColumn]!, file, line);
    let group = this.#groupIndex.get(groupKey);
    if (group === undefined) {
      group = this.#groupUser.length;
      this.#groupIndex.set(groupKey, group);
      this.#groupUser.push(
        this.#userColumn < 0 ? undefined : fields[this.#userColumn]!,
      );
    }
    let id = this.#accountIndex.get(account);
    if (id === undefined) {
      id = this.#accounts.length;
      this.#accountIndex.set(account, id);
      this.#accounts.push(account);
    }
    const row = this.#rows++;
    if (row === this.#rowGroup.length) {
      this.#rowGroup = growInt32(this.#rowGroup);
      this.#rowAccount = growInt32(this.#rowAccount);
      const times = new Float64Array(this.#rowTime.length * 2);
      times.set(this.#rowTime);
      this.#rowTime = times;
    }
    this.#rowGroup[row] = group;
    this.#rowAccount[row] = id;
    this.#rowTime[row] = time;
  }

  *finish(): Generator<Session> {
    const n = this.#rows;
    const groups = this.#rowGroup;
    const times = this.#rowTime;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => {
      const g = groups[a]! - groups[b]!;
      if (g !== 0) return g;
      const t = times[a]! - times[b]!;
      return t !== 0 ? t : a - b;
    });
    const hasTime = this.#timeColumn >= 0;
    // Cut into sessions: [start, end) runs of `order`, with their group.
    const sessions: { start: number; end: number; group: number }[] = [];
    for (let i = 0; i < n;) {
      const group = groups[order[i]!]!;
      let end = i + 1;
      while (
        end < n && groups[order[end]!] === group &&
        times[order[end]!]! - times[order[end - 1]!]! <= this.#gap
      ) end++;
      sessions.push({ start: i, end, group });
      i = end;
    }
    if (hasTime) {
      sessions.sort((a, b) => {
        const t = times[order[a.start]!]! - times[order[b.start]!]!;
        return t !== 0 ? t : a.group - b.group || a.start - b.start;
      });
    }
    const accounts = this.#accounts;
    for (const { start, end, group } of sessions) {
      const session: Session = { accounts: new Array(end - start) };
      for (let i = start; i < end; i++) {
        session.accounts[i - start] = accounts[this.#rowAccount[order[i]!]!]!;
      }
      const user = this.#groupUser[group];
      if (user !== undefined) session.user = user;
      if (hasTime) session.ts = times[order[start]!]!;
      yield session;
    }
  }
}

function growInt32(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
