/**
 * Terminal output: the Explore grid of ranked posts and aligned tables.
 *
 * What: cells show `post@account` and the score, framed with box-drawing
 * characters; every line has the same display width (East Asian wide
 * characters count two columns, combining marks zero), text that does not fit
 * is cut with `…`, and control characters in ids are escaped so an id cannot
 * move the cursor or change colours.
 *
 * Reference: `show_explore_grid` of the reference notebook (`pid@acc` joined
 * by ` | `). Where we differ: cells are aligned and truncated to the terminal
 * width, the score is shown, and colour is opt-in.
 *
 * @module
 */

import type { RankedPost } from "./rank.ts";

/**
 * Options of {@linkcode formatGrid}.
 *
 * @example A coloured 2 × 1 grid, 30 columns wide
 * ```ts
 * import { formatGrid, type GridOptions } from "./grid.ts";
 * import assert from "node:assert/strict";
 *
 * const breakdown = { pLike: 0, pSave: 0, pHide: 0, like: 0, save: 0, hide: 0, diversityPenalty: 0 };
 * const posts = ["p1", "p2", "p3"].map((postId) => ({ postId, account: "cats", score: 0.5, value: 0.5, breakdown }));
 * const options: GridOptions = { columns: 2, rows: 1, width: 30, color: true };
 * const grid = formatGrid(posts, options);
 * assert.ok(grid.includes("\x1b["));
 * assert.ok(!grid.includes("p3@cats"));
 * const plain = formatGrid(posts, { ...options, color: false }).split("\n");
 * assert.ok(plain.every((line) => line.length <= 30));
 * ```
 */
export interface GridOptions {
  /** Cells per row. Default `3`. */
  columns?: number;
  /** Rows. Default `3`. */
  rows?: number;
  /** Total width in terminal columns. Default `80`. */
  width?: number;
  /** Add ANSI colours. Default `false`. */
  color?: boolean;
}

/**
 * Options of {@linkcode formatTable}.
 *
 * @example
 * ```ts
 * import { formatTable, type TableOptions } from "./grid.ts";
 * import assert from "node:assert/strict";
 *
 * const options: TableOptions = { precision: 2 };
 * assert.equal(formatTable([["k", Math.PI]], ["name", "value"], options), "name  value\n────  ─────\nk      3.14\n");
 * assert.ok(formatTable([["k", 1]], ["name", "value"], { color: true }).startsWith("\x1b[1m"));
 * ```
 */
export interface TableOptions {
  /** Digits after the decimal point of non-integer numbers. Default `4`. */
  precision?: number;
  /** Add ANSI colours (bold headers). Default `false`. */
  color?: boolean;
}

const DEFAULT_COLUMNS = 3;
const DEFAULT_ROWS = 3;
const DEFAULT_WIDTH = 80;
const DEFAULT_PRECISION = 4;
/** Narrowest cell content, in columns. */
const MIN_CELL_WIDTH = 4;
const ELLIPSIS = "…";
const SCORE_DIGITS = 3;
const COLUMN_GAP = "  ";
const ANSI_BOLD = "\x1b[1m";
const ANSI_CYAN = "\x1b[36m";
const ANSI_GREEN = "\x1b[32m";
const ANSI_RED = "\x1b[31m";
const ANSI_DIM = "\x1b[2m";
const ANSI_RESET = "\x1b[0m";

/**
 * Formats the top posts as a grid of `rows × columns` cells, each showing
 * `post@account` and, on a second line, the score.
 *
 * @param posts Ranked posts, best first; posts beyond the grid are ignored.
 * @param options Grid size, total width and colour.
 * @returns The grid, lines joined by `\n` with a final newline; `"(no posts)\n"` when empty.
 * @throws {RangeError} When a size is not a positive integer.
 *
 * @example
 * ```ts
 * import { formatGrid } from "./grid.ts";
 * import assert from "node:assert/strict";
 *
 * const post = (postId: string, account: string, score: number) => ({
 *   postId, account, score, value: score,
 *   breakdown: { pLike: 0, pSave: 0, pHide: 0, like: 0, save: 0, hide: 0, diversityPenalty: 0 },
 * });
 * const grid = formatGrid([post("p1", "cats_daily_3", 0.91), post("p2", "earth_pix_1", 0.5)], {
 *   columns: 2, rows: 1, width: 40,
 * });
 * const lines = grid.trimEnd().split("\n");
 * assert.equal(lines.length, 4);
 * assert.ok(lines[1]!.includes("p1@cats_daily_3"));
 * assert.ok(lines[2]!.includes("0.910"));
 * assert.ok(lines.every((line) => line.length === lines[0]!.length && line.length <= 40));
 * ```
 */
export function formatGrid(
  posts: readonly RankedPost[],
  options: GridOptions = {},
): string {
  const columns = options.columns ?? DEFAULT_COLUMNS;
  const rows = options.rows ?? DEFAULT_ROWS;
  const width = options.width ?? DEFAULT_WIDTH;
  const color = options.color ?? false;
  positive("columns", columns);
  positive("rows", rows);
  positive("width", width);
  if (posts.length === 0) return "(no posts)\n";
  // Each cell: │ + space + content + space; plus the closing │.
  const cellWidth = Math.max(
    MIN_CELL_WIDTH,
    Math.floor((width - 1) / columns) - 3,
  );
  const shown = posts.slice(0, columns * rows);
  const usedRows = Math.ceil(shown.length / columns);
  const bar = "─".repeat(cellWidth + 2);
  const border = (left: string, middle: string, right: string): string =>
    left + Array.from({ length: columns }, () => bar).join(middle) + right;
  const lines: string[] = [border("┌", "┬", "┐")];
  for (let r = 0; r < usedRows; r++) {
    const top: string[] = [];
    const bottom: string[] = [];
    for (let c = 0; c < columns; c++) {
      const post = shown[r * columns + c];
      if (post === undefined) {
        top.push(" ".repeat(cellWidth));
        bottom.push(" ".repeat(cellWidth));
        continue;
      }
      const postId = sanitize(post.postId);
      const account = sanitize(post.account);
      const title = fit(`${postId}@${account}`, cellWidth);
      const score = fit(`score ${formatScore(post.score)}`, cellWidth);
      top.push(color ? colorTitle(title, postId.length) : title);
      bottom.push(color ? colorScore(score, post.score) : score);
    }
    lines.push(`│ ${top.join(" │ ")} │`);
    lines.push(`│ ${bottom.join(" │ ")} │`);
    if (r < usedRows - 1) lines.push(border("├", "┼", "┤"));
  }
  lines.push(border("└", "┴", "┘"));
  return lines.join("\n") + "\n";
}

/**
 * Formats rows as an aligned text table: text left-aligned, numbers (and
 * their headers) right-aligned, a rule under the headers, columns two spaces apart.
 *
 * @param rows The cells, one array per row.
 * @param headers Column titles; rows are padded or cut to their count.
 * @param options Number precision and colour.
 * @returns The table, lines joined by `\n` with a final newline.
 *
 * @example
 * ```ts
 * import { formatTable } from "./grid.ts";
 * import assert from "node:assert/strict";
 *
 * const table = formatTable([["cats_daily_3", 0.91234], ["earth_pix_1", 12]], ["account", "score"]);
 * assert.equal(
 *   table,
 *   "account        score\n" +
 *   "────────────  ──────\n" +
 *   "cats_daily_3  0.9123\n" +
 *   "earth_pix_1       12\n",
 * );
 * ```
 */
export function formatTable(
  rows: readonly (readonly (string | number)[])[],
  headers: readonly string[],
  options: TableOptions = {},
): string {
  const precision = options.precision ?? DEFAULT_PRECISION;
  const color = options.color ?? false;
  if (!Number.isInteger(precision) || precision < 0 || precision > 20) {
    throw new RangeError(
      `Cannot format table: precision must be an integer in [0, 20], got ${precision}`,
    );
  }
  const n = headers.length;
  const head = headers.map(sanitize);
  const numeric: boolean[] = Array.from({ length: n }, () => false);
  const cells = rows.map((row) =>
    Array.from({ length: n }, (_, c) => {
      const v = row[c];
      if (typeof v === "number") {
        numeric[c] = true;
        return formatNumber(v, precision);
      }
      return sanitize(v ?? "");
    })
  );
  const widths = head.map((h, c) =>
    Math.max(displayWidth(h), ...cells.map((row) => displayWidth(row[c]!)))
  );
  const render = (row: string[], header: boolean): string =>
    row.map((cell, c) => {
      const padded = numeric[c]!
        ? padStart(cell, widths[c]!)
        : padEnd(cell, widths[c]!);
      return header && color ? ANSI_BOLD + padded + ANSI_RESET : padded;
    }).join(COLUMN_GAP).trimEnd();
  const lines = [
    render(head, true),
    widths.map((w) => "─".repeat(w)).join(COLUMN_GAP),
    ...cells.map((row) => render(row, false)),
  ];
  return lines.join("\n") + "\n";
}

/**
 * Replaces control characters (C0, DEL, C1) and bidirectional overrides
 * with visible escapes such as `\x1b` and `\u202e`.
 */
function sanitize(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      out += `\\x${cp.toString(16).padStart(2, "0")}`;
    } else if (
      (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
      cp === 0x200e || cp === 0x200f || cp === 0x061c
    ) {
      out += `\\u${cp.toString(16).padStart(4, "0")}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Columns a character takes in a terminal: 0, 1 or 2. */
function charWidth(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200d) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xe0100 && cp <= 0xe01ef)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Pads or cuts `text` (with a final `…`) to exactly `width` columns. */
function fit(text: string, width: number): string {
  if (displayWidth(text) <= width) return padEnd(text, width);
  let out = "";
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return padEnd(out + ELLIPSIS, width);
}

function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

function padStart(text: string, width: number): string {
  return " ".repeat(Math.max(0, width - displayWidth(text))) + text;
}

function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(SCORE_DIGITS) : String(score);
}

function formatNumber(v: number, precision: number): string {
  return Number.isInteger(v) || !Number.isFinite(v)
    ? String(v)
    : v.toFixed(precision);
}

/** Colours the post id part of a fitted title (the text before `@`). */
function colorTitle(title: string, postIdLength: number): string {
  const at = title.indexOf("@");
  if (at < 0 || at !== postIdLength) return ANSI_CYAN + title + ANSI_RESET;
  return ANSI_CYAN + title.slice(0, at) + ANSI_RESET + ANSI_DIM + "@" +
    ANSI_RESET + title.slice(at + 1);
}

function colorScore(text: string, score: number): string {
  return (score >= 0 ? ANSI_GREEN : ANSI_RED) + text + ANSI_RESET;
}

function positive(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot format grid: ${name} must be a positive integer, got ${value}`,
    );
  }
}
