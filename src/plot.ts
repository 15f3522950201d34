/**
 * The embedding map: account embeddings projected to 2-D and drawn as an SVG
 * scatter plot, coloured by category, with the most frequent accounts
 * labelled.
 *
 * The projection is PCA (fast, linear, axes carry the share of variance they
 * explain) or exact t-SNE (neighbourhoods, slower); 2-D embeddings are drawn
 * as they are. Huge vocabularies are cut to the most frequent accounts.
 * Colours are the Okabe–Ito palette, which stays distinguishable under the
 * common forms of colour blindness.
 *
 * @module
 */

import { writeFileAtomic } from "./_atomic.ts";
import {
  element,
  escapeXml,
  formatNumber,
  formatTick,
  niceTicks,
} from "./_svg.ts";
import { pcaWithInfo } from "./pca.ts";
import { tsne, type TsneOptions } from "./tsne.ts";

/**
 * Embeddings as plain data, one row per account.
 *
 * @example
 * ```ts
 * import { plot, type PlotInput } from "./plot.ts";
 * import assert from "node:assert/strict";
 *
 * const input: PlotInput = {
 *   labels: ["cats", "kittens", "travel"],
 *   vectors: Float32Array.of(1, 0, 0.9, 0.1, 0, 1),
 *   dim: 2,
 *   categories: ["pets", "pets", undefined],
 *   counts: [30, 20, 10],
 * };
 * const svg = plot(input);
 * assert.equal(svg.match(/<circle /g)?.length, 3);
 * assert.ok(svg.includes("<title>kittens · pets · count 20</title>"));
 * assert.ok(svg.includes(">unknown (1)<"));
 * ```
 */
export interface PlotInput {
  /** Account ids, one per row. */
  labels: readonly string[];
  /** Row-major vectors, `labels.length × dim`. */
  vectors: Float32Array;
  /** Length of each vector. */
  dim: number;
  /** Category per row (`undefined` when unknown). */
  categories?: readonly (string | undefined)[];
  /** Frequency per row; drives point size, sampling and labels. */
  counts?: ArrayLike<number>;
}

/**
 * The parts of a trained model that {@linkcode plot} reads; a
 * {@linkcode Model} is one.
 *
 * @example
 * ```ts
 * import { Model } from "./model.ts";
 * import { plot, type PlotModel } from "./plot.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model: PlotModel = new Model({
 *   vocab: new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]),
 *   dim: 3,
 *   input: Float32Array.of(1, 0, 0, 0.9, 0.1, 0, 0, 0, 1),
 * });
 * const svg = plot(model, { labels: ["travel"] });
 * assert.ok(svg.includes(">travel<"));
 * assert.ok(!svg.includes(">kittens<"));
 * ```
 */
export interface PlotModel {
  /** The vocabulary: account ids and their counts, by index. */
  vocab: { words: readonly string[]; counts: Float64Array };
  /** Embedding size. */
  dim: number;
  /** Input (account) vectors, row-major, `vocab.words.length × dim`. */
  input: Float32Array;
}

/**
 * Options of {@linkcode plot} and {@linkcode plotToFile}.
 *
 * @example A small t-SNE map, coloured by a function
 * ```ts
 * import { plot, type PlotOptions } from "./plot.ts";
 * import assert from "node:assert/strict";
 *
 * const labels = Array.from({ length: 12 }, (_, i) => `${i < 6 ? "cat" : "trip"}${i}`);
 * const vectors = Float32Array.from(labels.flatMap((_, i) => [i < 6 ? 1 : -1, (i % 6) / 10, 0]));
 * const options: PlotOptions = {
 *   projection: "tsne",
 *   width: 400,
 *   height: 300,
 *   title: "Two topics",
 *   categories: (id) => id.startsWith("cat") ? "cats" : "travel",
 *   labels: 2,
 *   maxPoints: 10,
 *   tsne: { iterations: 100, seed: 1 },
 * };
 * const svg = plot({ labels, vectors, dim: 3 }, options);
 * assert.ok(svg.includes('width="400"') && svg.includes(">Two topics<"));
 * assert.equal(svg.match(/<circle /g)?.length, 10);
 * ```
 */
export interface PlotOptions {
  /** How to map vectors to 2-D; 2-D input is drawn as is. Default `"pca"`. */
  projection?: "pca" | "tsne";
  /** Image width in pixels, at least 300. Default `900`. */
  width?: number;
  /** Image height in pixels, at least 200. Default `650`. */
  height?: number;
  /** The heading. Default `"Account embeddings"`. */
  title?: string;
  /**
   * Category of each account, by id; takes precedence over
   * `PlotInput.categories`. Default: the input's categories, else none.
   */
  categories?: Map<string, string> | ((id: string) => string | undefined);
  /**
   * Which points get a text label: a number `N` labels the `N` most frequent
   * (by counts; by row order without counts), an array names the ids.
   * Labels that would overlap an earlier one are skipped. Default `30`.
   */
  labels?: number | readonly string[];
  /**
   * Draw at most this many points, keeping the most frequent (ties by row
   * order). Default `3000` for PCA, `1000` for t-SNE.
   */
  maxPoints?: number;
  /**
   * t-SNE settings. Default: those of {@linkcode tsne}, except perplexity
   * `min(30, (points - 1) / 3)` so that small maps work.
   */
  tsne?: TsneOptions;
}

/**
 * Okabe–Ito colours (M. Okabe and K. Ito, "Color Universal Design", 2002),
 * then four of Paul Tol's muted colours, so twelve categories keep their own.
 */
const PALETTE = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#D55E00", // vermilion
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#F0E442", // yellow
  "#000000", // black
  "#882255", // wine
  "#44AA99", // teal
  "#999933", // olive
  "#AA4499", // purple
];
const OTHER_COLOR = "#7F7F7F";
const UNKNOWN_COLOR = "#C8C8C8";
const DEFAULT_WIDTH = 900;
const DEFAULT_HEIGHT = 650;
const MIN_WIDTH = 300;
const MIN_HEIGHT = 200;
const DEFAULT_TITLE = "Account embeddings";
const DEFAULT_LABELS = 30;
const DEFAULT_MAX_POINTS_PCA = 3000;
const DEFAULT_MAX_POINTS_TSNE = 1000;
const DEFAULT_PERPLEXITY = 30;
const PERPLEXITY_NEIGHBOURS_FACTOR = 3;
const FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";
const TITLE_SIZE = 18;
const TEXT_SIZE = 12;
const SMALL_SIZE = 11;
/** Average advance of a Latin glyph, as a share of the font size. */
const CHAR_WIDTH_EM = 0.58;
/** Advance of a wide (CJK, emoji) glyph, as a share of the font size. */
const WIDE_CHAR_WIDTH_EM = 1;
const MAX_LABEL_CHARS = 28;
const MAX_LEGEND_CHARS = 22;
const MARGIN_TOP = 64;
const MARGIN_LEFT = 72;
const MARGIN_BOTTOM = 56;
const MARGIN_RIGHT = 24;
const LEGEND_GAP = 20;
const LEGEND_ROW = 20;
const SWATCH = 10;
const DOMAIN_PADDING = 0.05;
const TICK_TARGET_X = 8;
const TICK_TARGET_Y = 6;
const TICK_LENGTH = 5;
const POINT_RADIUS = 3.5;
const MIN_RADIUS = 2.5;
const MAX_RADIUS = 7.5;
const LABEL_GAP = 3;
const LABEL_PADDING = 1.5;

/**
 * Draws embeddings as an SVG scatter plot.
 *
 * @example
 * ```ts
 * import { plot } from "./plot.ts";
 * import assert from "node:assert/strict";
 *
 * const svg = plot({
 *   labels: ["a", "b", "c", "d"],
 *   vectors: Float32Array.of(0, 0, 1, 0, 0, 1, 5, 5, 5, 4, 0, 1),
 *   dim: 3,
 *   categories: ["x", "x", "y", undefined],
 *   counts: [9, 7, 5, 3],
 * }, { labels: 2 });
 * assert.ok(svg.startsWith("<?xml"));
 * assert.equal(svg.match(/<circle /g)?.length, 4);
 * assert.ok(svg.includes("PC 1 ("));
 * ```
 *
 * @param input Rows of plain data, or a model with `vocab`, `dim` and `input`.
 * @param options Projection, size, title, categories, labels and sampling.
 * @returns A standalone SVG 1.1 document.
 */
export function plot(
  input: PlotInput | PlotModel,
  options: PlotOptions = {},
): string {
  const data = normalizeInput(input);
  const settings = validateOptions(options, data.labels.length);
  const rows = selectRows(data, settings.maxPoints);
  const n = rows.length;
  const vectors = new Float32Array(n * data.dim);
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    vectors.set(
      data.vectors.subarray(r * data.dim, (r + 1) * data.dim),
      k * data.dim,
    );
  }
  const projection = project(vectors, n, data.dim, settings);
  const categoryOf = categoryLookup(data, options.categories);
  const points: Point[] = rows.map((r, k) => ({
    row: r,
    id: data.labels[r]!,
    category: categoryOf(r),
    count: data.counts?.[r],
    x: projection.coords[2 * k]!,
    y: projection.coords[2 * k + 1]!,
    color: "",
    radius: POINT_RADIUS,
  }));
  const legend = assignColors(points);
  assignRadii(points);
  return render(points, legend, projection, settings, data.labels.length);
}

/**
 * Draws embeddings with {@linkcode plot} and writes the SVG to `path`
 * atomically: to a temporary file beside it, flushed, then renamed over it,
 * so a reader never sees half a map.
 *
 * @example
 * ```ts
 * import { plotToFile } from "./plot.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const path = `${dir}/map.svg`;
 * await plotToFile({ labels: ["a", "b"], vectors: Float32Array.of(0, 1, 2, 3), dim: 2 }, path);
 * assert.ok((await Deno.readTextFile(path)).includes("</svg>"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param input Rows of plain data, or a model with `vocab`, `dim` and `input`.
 * @param path Where to write the SVG.
 * @param options As for {@linkcode plot}.
 * @returns A promise that settles once the file is in place.
 */
export async function plotToFile(
  input: PlotInput | PlotModel,
  path: string,
  options: PlotOptions = {},
): Promise<void> {
  await writeFileAtomic(path, plot(input, options));
}

interface PlotData {
  labels: readonly string[];
  vectors: Float32Array;
  dim: number;
  categories: readonly (string | undefined)[] | undefined;
  counts: ArrayLike<number> | undefined;
}

interface PlotSettings {
  projection: "pca" | "tsne";
  width: number;
  height: number;
  title: string;
  labels: number | readonly string[];
  maxPoints: number;
  tsne: TsneOptions;
}

interface Point {
  row: number;
  id: string;
  category: string | undefined;
  count: number | undefined;
  x: number;
  y: number;
  color: string;
  radius: number;
}

interface LegendEntry {
  name: string;
  color: string;
  points: number;
}

interface Projection {
  coords: Float32Array;
  xTitle: string;
  yTitle: string;
  method: string;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function isModel(input: PlotInput | PlotModel): input is PlotModel {
  return typeof input === "object" && input !== null && "vocab" in input &&
    "input" in input;
}

function normalizeInput(input: PlotInput | PlotModel): PlotData {
  const data: PlotData = isModel(input)
    ? {
      labels: input.vocab.words,
      vectors: input.input,
      dim: input.dim,
      categories: undefined,
      counts: input.vocab.counts,
    }
    : {
      labels: input.labels,
      vectors: input.vectors,
      dim: input.dim,
      categories: input.categories,
      counts: input.counts,
    };
  if (!Array.isArray(data.labels)) {
    throw new TypeError("Cannot plot embeddings: labels must be an array");
  }
  if (!(data.vectors instanceof Float32Array)) {
    throw new TypeError(
      "Cannot plot embeddings: vectors must be a Float32Array",
    );
  }
  if (!Number.isInteger(data.dim) || data.dim < 2) {
    throw new RangeError(
      `Cannot plot embeddings: dim must be an integer of at least 2, got ${data.dim}`,
    );
  }
  const rows = data.labels.length;
  if (data.vectors.length !== rows * data.dim) {
    throw new TypeError(
      `Cannot plot embeddings: ${rows} labels × dim ${data.dim} needs ${
        rows * data.dim
      } values, got ${data.vectors.length}`,
    );
  }
  if (data.categories !== undefined && data.categories.length !== rows) {
    throw new TypeError(
      `Cannot plot embeddings: ${rows} labels but ${data.categories.length} categories`,
    );
  }
  if (data.counts !== undefined) {
    if (data.counts.length !== rows) {
      throw new TypeError(
        `Cannot plot embeddings: ${rows} labels but ${data.counts.length} counts`,
      );
    }
    for (let i = 0; i < rows; i++) {
      const c = data.counts[i]!;
      if (!(c >= 0) || !Number.isFinite(c)) {
        throw new RangeError(
          `Cannot plot embeddings: count of "${data.labels[i]}" is ${c}`,
        );
      }
    }
  }
  for (let i = 0; i < data.vectors.length; i++) {
    if (!Number.isFinite(data.vectors[i]!)) {
      const row = Math.floor(i / data.dim);
      throw new RangeError(
        `Cannot plot embeddings: vector of "${data.labels[row]}" holds ${
          data.vectors[i]
        }`,
      );
    }
  }
  return data;
}

function validateOptions(options: PlotOptions, rows: number): PlotSettings {
  const projection = options.projection ?? "pca";
  if (projection !== "pca" && projection !== "tsne") {
    throw new TypeError(
      `Cannot plot embeddings: projection must be "pca" or "tsne", got ${
        String(projection)
      }`,
    );
  }
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  if (!(width >= MIN_WIDTH) || !Number.isFinite(width)) {
    throw new RangeError(
      `Cannot plot embeddings: width must be at least ${MIN_WIDTH}, got ${width}`,
    );
  }
  if (!(height >= MIN_HEIGHT) || !Number.isFinite(height)) {
    throw new RangeError(
      `Cannot plot embeddings: height must be at least ${MIN_HEIGHT}, got ${height}`,
    );
  }
  const labels = options.labels ?? DEFAULT_LABELS;
  if (typeof labels === "number") {
    if (!Number.isInteger(labels) || labels < 0) {
      throw new RangeError(
        `Cannot plot embeddings: labels must be a non-negative integer, got ${labels}`,
      );
    }
  } else if (!Array.isArray(labels)) {
    throw new TypeError(
      "Cannot plot embeddings: labels must be a number or an array of ids",
    );
  }
  const maxPoints = options.maxPoints ??
    (projection === "tsne" ? DEFAULT_MAX_POINTS_TSNE : DEFAULT_MAX_POINTS_PCA);
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(
      `Cannot plot embeddings: maxPoints must be a positive integer, got ${maxPoints}`,
    );
  }
  const points = Math.min(rows, maxPoints);
  const tsneOptions: TsneOptions = {
    perplexity: Math.max(
      1,
      Math.min(
        DEFAULT_PERPLEXITY,
        (points - 1) / PERPLEXITY_NEIGHBOURS_FACTOR,
      ),
    ),
    ...options.tsne,
  };
  return {
    projection,
    width,
    height,
    title: options.title ?? DEFAULT_TITLE,
    labels,
    maxPoints,
    tsne: tsneOptions,
  };
}

/** Row indices to draw: all, or the `maxPoints` most frequent in row order. */
function selectRows(data: PlotData, maxPoints: number): number[] {
  const rows = Array.from({ length: data.labels.length }, (_, i) => i);
  if (rows.length <= maxPoints) return rows;
  const counts = data.counts;
  if (counts === undefined) return rows.slice(0, maxPoints);
  const kept = rows.slice().sort((a, b) => counts[b]! - counts[a]! || a - b)
    .slice(0, maxPoints);
  return kept.sort((a, b) => a - b);
}

function project(
  vectors: Float32Array,
  n: number,
  dim: number,
  settings: PlotSettings,
): Projection {
  if (dim === 2) {
    return {
      coords: vectors,
      xTitle: "Dimension 1",
      yTitle: "Dimension 2",
      method: "2-D embeddings",
    };
  }
  if (settings.projection === "tsne") {
    const coords = n < 2
      ? new Float32Array(2 * n)
      : tsne(vectors, n, dim, settings.tsne);
    return { coords, xTitle: "t-SNE 1", yTitle: "t-SNE 2", method: "t-SNE" };
  }
  const info = pcaWithInfo(vectors, n, dim, 2);
  const share = (c: number) =>
    (100 * info.explainedVarianceRatio[c]!).toFixed(1);
  return {
    coords: info.projected,
    xTitle: `PC 1 (${share(0)}% var.)`,
    yTitle: `PC 2 (${share(1)}% var.)`,
    method: "PCA",
  };
}

function categoryLookup(
  data: PlotData,
  option: PlotOptions["categories"],
): (row: number) => string | undefined {
  if (option instanceof Map) {
    return (row) => option.get(data.labels[row]!);
  }
  if (typeof option === "function") {
    return (row) => option(data.labels[row]!);
  }
  if (option !== undefined) {
    throw new TypeError(
      "Cannot plot embeddings: categories must be a Map or a function",
    );
  }
  const categories = data.categories;
  return (row) => categories?.[row];
}

/**
 * Gives each point its colour. Categories are ranked by point count (then
 * name); beyond the palette, all but the top `PALETTE.length - 1` fold into
 * "other". No categories at all: one colour, no legend.
 */
function assignColors(points: Point[]): LegendEntry[] {
  const sizes = new Map<string, number>();
  let unknown = 0;
  for (const p of points) {
    if (p.category === undefined || p.category === "") unknown++;
    else sizes.set(p.category, (sizes.get(p.category) ?? 0) + 1);
  }
  if (sizes.size === 0) {
    for (const p of points) p.color = PALETTE[0]!;
    return [];
  }
  const ranked = [...sizes].sort((a, b) =>
    b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
  );
  const coloured = ranked.length <= PALETTE.length
    ? ranked
    : ranked.slice(0, PALETTE.length - 1);
  const colors = new Map<string, string>();
  const legend: LegendEntry[] = coloured.map(([name, count], i) => {
    colors.set(name, PALETTE[i]!);
    return { name, color: PALETTE[i]!, points: count };
  });
  const folded = ranked.slice(coloured.length);
  if (folded.length > 0) {
    const total = folded.reduce((sum, [, count]) => sum + count, 0);
    legend.push({
      name: `${folded.length} other categories`,
      color: OTHER_COLOR,
      points: total,
    });
  }
  if (unknown > 0) {
    legend.push({ name: "unknown", color: UNKNOWN_COLOR, points: unknown });
  }
  for (const p of points) {
    p.color = p.category === undefined || p.category === ""
      ? UNKNOWN_COLOR
      : colors.get(p.category) ?? OTHER_COLOR;
  }
  return legend;
}

/** Area grows with frequency: radius ∝ √count between the two limits. */
function assignRadii(points: Point[]): void {
  let max = 0;
  for (const p of points) max = Math.max(max, p.count ?? 0);
  if (max <= 0) return;
  for (const p of points) {
    p.radius = MIN_RADIUS +
      (MAX_RADIUS - MIN_RADIUS) * Math.sqrt((p.count ?? 0) / max);
  }
}

function render(
  points: Point[],
  legend: LegendEntry[],
  projection: Projection,
  settings: PlotSettings,
  totalRows: number,
): string {
  const { width, height } = settings;
  const legendWidth = legend.length === 0 ? 0 : LEGEND_GAP + SWATCH + 8 +
    Math.max(
      ...legend.map((e) => textWidth(legendText(e), SMALL_SIZE)),
      textWidth("Category", TEXT_SIZE),
    );
  const area: Box = {
    left: MARGIN_LEFT,
    top: MARGIN_TOP,
    right: Math.max(MARGIN_LEFT + 100, width - MARGIN_RIGHT - legendWidth),
    bottom: height - MARGIN_BOTTOM,
  };
  const xDomain = domain(points.map((p) => p.x));
  const yDomain = domain(points.map((p) => p.y));
  const sx = (x: number) =>
    area.left + (x - xDomain[0]) / (xDomain[1] - xDomain[0]) *
      (area.right - area.left);
  const sy = (y: number) =>
    area.bottom - (y - yDomain[0]) / (yDomain[1] - yDomain[0]) *
      (area.bottom - area.top);

  const parts: string[] = [];
  parts.push(element("rect", { width, height, fill: "#ffffff" }));
  parts.push(
    element(
      "text",
      {
        x: area.left,
        y: 30,
        "font-size": TITLE_SIZE,
        "font-weight": "bold",
        fill: "#222222",
      },
      escapeXml(settings.title),
    ),
  );
  parts.push(
    element(
      "text",
      { x: area.left, y: 50, "font-size": TEXT_SIZE, fill: "#666666" },
      escapeXml(subtitle(points.length, totalRows, projection.method)),
    ),
  );
  parts.push(renderAxes(area, xDomain, yDomain, sx, sy, projection));

  // Big (frequent) points first, so small ones stay visible on top.
  const order = points.slice().sort((a, b) =>
    b.radius - a.radius || a.row - b.row
  );
  const circles = order.map((p) =>
    element(
      "circle",
      { cx: sx(p.x), cy: sy(p.y), r: p.radius, fill: p.color },
      `<title>${escapeXml(tooltip(p))}</title>`,
    )
  );
  parts.push(
    element(
      "g",
      {
        class: "points",
        "fill-opacity": 0.8,
        stroke: "#ffffff",
        "stroke-width": 0.6,
      },
      circles.join(""),
    ),
  );
  parts.push(renderLabels(points, settings.labels, area, sx, sy));
  if (legend.length > 0) {
    parts.push(renderLegend(legend, area.right + LEGEND_GAP, area.top));
  }

  return `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${
      formatNumber(width)
    }" height="${formatNumber(height)}" viewBox="0 0 ${formatNumber(width)} ${
      formatNumber(height)
    }" font-family="${escapeXml(FONT_FAMILY)}">\n` +
    `<title>${escapeXml(settings.title)}</title>\n` +
    parts.join("\n") + "\n</svg>\n";
}

function subtitle(shown: number, total: number, method: string): string {
  const accounts = shown === 1 ? "account" : "accounts";
  const sample = shown < total
    ? `${shown.toLocaleString("en-US")} most frequent of ${
      total.toLocaleString("en-US")
    } accounts`
    : `${shown.toLocaleString("en-US")} ${accounts}`;
  return `${sample} · ${method}`;
}

function tooltip(p: Point): string {
  let text = p.id;
  if (p.category !== undefined && p.category !== "") text += ` · ${p.category}`;
  if (p.count !== undefined) text += ` · count ${p.count}`;
  return text;
}

function legendText(entry: LegendEntry): string {
  return `${truncate(entry.name, MAX_LEGEND_CHARS)} (${entry.points})`;
}

/** The padded extent of values; a default span when they are all equal. */
function domain(values: number[]): [number, number] {
  if (values.length === 0) return [-1, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo <= 1e-12 * Math.max(1, Math.abs(lo))) {
    return [lo - 1, hi + 1];
  }
  const pad = (hi - lo) * DOMAIN_PADDING;
  return [lo - pad, hi + pad];
}

function renderAxes(
  area: Box,
  xDomain: [number, number],
  yDomain: [number, number],
  sx: (x: number) => number,
  sy: (y: number) => number,
  projection: Projection,
): string {
  const grid: string[] = [];
  const ticks: string[] = [];
  const tickLabels: string[] = [];
  const xTicks = niceTicks(xDomain[0], xDomain[1], TICK_TARGET_X);
  for (const v of xTicks.values) {
    const x = sx(v);
    grid.push(element("line", { x1: x, y1: area.top, x2: x, y2: area.bottom }));
    ticks.push(
      element("line", {
        x1: x,
        y1: area.bottom,
        x2: x,
        y2: area.bottom + TICK_LENGTH,
      }),
    );
    tickLabels.push(
      element(
        "text",
        {
          x,
          y: area.bottom + TICK_LENGTH + SMALL_SIZE + 2,
          "text-anchor": "middle",
        },
        escapeXml(formatTick(v, xTicks.step)),
      ),
    );
  }
  const yTicks = niceTicks(yDomain[0], yDomain[1], TICK_TARGET_Y);
  for (const v of yTicks.values) {
    const y = sy(v);
    grid.push(element("line", { x1: area.left, y1: y, x2: area.right, y2: y }));
    ticks.push(
      element("line", {
        x1: area.left - TICK_LENGTH,
        y1: y,
        x2: area.left,
        y2: y,
      }),
    );
    tickLabels.push(
      element(
        "text",
        { x: area.left - TICK_LENGTH - 3, y: y + 4, "text-anchor": "end" },
        escapeXml(formatTick(v, yTicks.step)),
      ),
    );
  }
  const midX = (area.left + area.right) / 2;
  const midY = (area.top + area.bottom) / 2;
  const yTitleX = area.left - 52;
  return [
    element(
      "g",
      { class: "grid", stroke: "#ebebeb", "stroke-width": 1 },
      grid.join(""),
    ),
    element("rect", {
      x: area.left,
      y: area.top,
      width: area.right - area.left,
      height: area.bottom - area.top,
      fill: "none",
      stroke: "#b0b0b0",
      "stroke-width": 1,
    }),
    element(
      "g",
      { class: "ticks", stroke: "#888888", "stroke-width": 1 },
      ticks.join(""),
    ),
    element(
      "g",
      { class: "tick-labels", "font-size": SMALL_SIZE, fill: "#555555" },
      tickLabels.join(""),
    ),
    element(
      "text",
      {
        class: "axis-title",
        x: midX,
        y: area.bottom + 44,
        "text-anchor": "middle",
        "font-size": TEXT_SIZE,
        fill: "#333333",
      },
      escapeXml(projection.xTitle),
    ),
    element(
      "text",
      {
        class: "axis-title",
        x: yTitleX,
        y: midY,
        "text-anchor": "middle",
        "font-size": TEXT_SIZE,
        fill: "#333333",
        transform: `rotate(-90 ${formatNumber(yTitleX)} ${formatNumber(midY)})`,
      },
      escapeXml(projection.yTitle),
    ),
  ].join("\n");
}

/** Labels in priority order; a label that would collide is skipped. */
function renderLabels(
  points: Point[],
  request: number | readonly string[],
  area: Box,
  sx: (x: number) => number,
  sy: (y: number) => number,
): string {
  let chosen: Point[];
  if (typeof request === "number") {
    chosen = points.slice().sort((a, b) =>
      (b.count ?? 0) - (a.count ?? 0) || a.row - b.row
    ).slice(0, request);
  } else {
    const byId = new Map<string, Point>();
    for (const p of points) if (!byId.has(p.id)) byId.set(p.id, p);
    const seen = new Set<string>();
    chosen = [];
    for (const id of request) {
      const p = byId.get(id);
      if (p !== undefined && !seen.has(id)) {
        seen.add(id);
        chosen.push(p);
      }
    }
  }
  const placed: Box[] = [];
  const halos: string[] = [];
  const texts: string[] = [];
  for (const p of chosen) {
    const text = truncate(p.id, MAX_LABEL_CHARS);
    const w = textWidth(text, SMALL_SIZE);
    const h = SMALL_SIZE;
    const cx = sx(p.x);
    const cy = sy(p.y);
    const offset = p.radius + LABEL_GAP;
    // Right, left, above, below the point; baseline sits ~0.35 em below centre.
    const candidates: [number, number, string][] = [
      [cx + offset, cy + h * 0.35, "start"],
      [cx - offset, cy + h * 0.35, "end"],
      [cx, cy - offset, "middle"],
      [cx, cy + offset + h * 0.8, "middle"],
    ];
    for (const [x, y, anchor] of candidates) {
      const left = anchor === "start"
        ? x
        : anchor === "end"
        ? x - w
        : x - w / 2;
      const box: Box = {
        left: left - LABEL_PADDING,
        top: y - h * 0.85 - LABEL_PADDING,
        right: left + w + LABEL_PADDING,
        bottom: y + h * 0.2 + LABEL_PADDING,
      };
      if (!inside(box, area) || placed.some((b) => overlaps(b, box))) continue;
      placed.push(box);
      const attributes = { x, y, "text-anchor": anchor };
      halos.push(element("text", attributes, escapeXml(text)));
      texts.push(
        element("text", { class: "label", ...attributes }, escapeXml(text)),
      );
      break;
    }
  }
  return [
    element(
      "g",
      {
        class: "label-halos",
        "font-size": SMALL_SIZE,
        fill: "#ffffff",
        stroke: "#ffffff",
        "stroke-width": 3,
        "stroke-linejoin": "round",
        "stroke-opacity": 0.85,
      },
      halos.join(""),
    ),
    element(
      "g",
      { class: "labels", "font-size": SMALL_SIZE, fill: "#222222" },
      texts.join(""),
    ),
  ].join("\n");
}

function renderLegend(
  legend: LegendEntry[],
  left: number,
  top: number,
): string {
  const rows: string[] = [
    element(
      "text",
      {
        x: left,
        y: top + TEXT_SIZE,
        "font-size": TEXT_SIZE,
        "font-weight": "bold",
        fill: "#333333",
      },
      "Category",
    ),
  ];
  legend.forEach((entry, i) => {
    const y = top + TEXT_SIZE + 10 + i * LEGEND_ROW;
    rows.push(
      element(
        "g",
        { class: "legend-entry" },
        element("rect", {
          x: left,
          y: y + (LEGEND_ROW - SWATCH) / 2 - 4,
          width: SWATCH,
          height: SWATCH,
          rx: SWATCH / 2,
          fill: entry.color,
        }) +
          element(
            "text",
            {
              x: left + SWATCH + 8,
              y: y + LEGEND_ROW / 2 + 1,
              "font-size": SMALL_SIZE,
              fill: "#333333",
            },
            escapeXml(legendText(entry)),
          ) +
          element(
            "title",
            {},
            escapeXml(`${entry.name}: ${entry.points} points`),
          ),
      ),
    );
  });
  return element("g", { class: "legend" }, rows.join(""));
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Estimated rendered width: no font metrics, so wide glyphs count double. */
function textWidth(text: string, size: number): number {
  let em = 0;
  for (const char of text) {
    em += char.codePointAt(0)! >= 0x1100 ? WIDE_CHAR_WIDTH_EM : CHAR_WIDTH_EM;
  }
  return em * size;
}

function inside(box: Box, area: Box): boolean {
  return box.left >= area.left && box.right <= area.right &&
    box.top >= area.top && box.bottom <= area.bottom;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom &&
    b.top < a.bottom;
}
