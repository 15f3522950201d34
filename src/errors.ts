/**
 * The one domain error of explore2vec: input that cannot be read.
 *
 * Readers of sessions, posts, interactions and model files throw an
 * {@linkcode InputError} naming the file, the line (or byte offset) and the
 * problem, so a caller can report it without a stack trace.
 *
 * @module
 */

/**
 * Where in an input the problem was found.
 *
 * @example
 * ```ts
 * import { InputError, type InputLocation } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const where: InputLocation = { file: "model.e2v", offset: 12 };
 * assert.equal(new InputError(where, "bad magic").message, "model.e2v@12: bad magic");
 * ```
 */
export interface InputLocation {
  /** The file name, or a label such as `"<stdin>"` or `"<string>"`. */
  file: string;
  /** 1-based line number, when the input is line oriented. */
  line?: number;
  /** 0-based byte offset, when the input is binary. */
  offset?: number;
}

/**
 * Thrown when an input file (sessions, posts, interactions, a model) is
 * malformed. The message reads `file:line: problem` (or `file@offset: problem`
 * for binary files).
 *
 * @example
 * ```ts
 * import { InputError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new InputError({ file: "sessions.csv", line: 17 }, 'missing column "account"');
 * assert.equal(error.message, 'sessions.csv:17: missing column "account"');
 * assert.equal(error.line, 17);
 * ```
 */
export class InputError extends Error {
  /** The file the problem is in. */
  readonly file: string;
  /** 1-based line number, when known. */
  readonly line: number | undefined;
  /** 0-based byte offset, when known. */
  readonly offset: number | undefined;
  /** The problem, without the location prefix. */
  readonly problem: string;

  /**
   * Creates an error for `problem` at `where`.
   *
   * @param where The file and line or byte offset.
   * @param problem What is wrong, sentence case, no final period.
   */
  constructor(where: InputLocation, problem: string) {
    super(`${formatLocation(where)}: ${problem}`);
    this.name = "InputError";
    this.file = where.file;
    this.line = where.line;
    this.offset = where.offset;
    this.problem = problem;
  }
}

/**
 * Formats a location as `file:line`, `file@offset` or `file`.
 *
 * @param where The location.
 * @returns The formatted location.
 *
 * @example
 * ```ts
 * import { formatLocation } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatLocation({ file: "sessions.txt", line: 3 }), "sessions.txt:3");
 * assert.equal(formatLocation({ file: "model.bin", offset: 40 }), "model.bin@40");
 * assert.equal(formatLocation({ file: "<stdin>" }), "<stdin>");
 * ```
 */
export function formatLocation(where: InputLocation): string {
  if (where.line !== undefined) return `${where.file}:${where.line}`;
  if (where.offset !== undefined) return `${where.file}@${where.offset}`;
  return where.file;
}
