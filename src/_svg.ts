/**
 * Small SVG helpers for the embedding map: XML escaping, element strings,
 * compact number formatting and "nice" axis ticks.
 *
 * Ticks follow the usual 1–2–5 rule (P. Heckbert, "Nice numbers for graph
 * labels", Graphics Gems, 1990): the rough step `span / target` is rounded
 * to the nearest of 1, 2, 5 or 10 times a power of ten.
 *
 * @module
 */

const REPLACEMENT_CHAR = "\uFFFD";
/** Round `span / target` to 1, 2, 5 or 10 (× 10^k) at these cut points. */
const NICE_CUTS: readonly (readonly [number, number])[] = [
  [1.5, 1],
  [3, 2],
  [7, 5],
];
/** Decimal places kept in coordinates: 1/100 px is below any screen's resolution. */
const COORDINATE_DECIMALS = 2;

/**
 * Escapes text for XML character data and attribute values.
 *
 * Replaces `& < > " '` with entities and characters XML cannot carry at all
 * (control characters, lone surrogates) with U+FFFD.
 *
 * @example
 * ```ts
 * import { escapeXml } from "./_svg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(escapeXml(`<a href="x">&'</a>`), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
 * assert.equal(escapeXml("a\u0000b"), "a\uFFFDb");
 * ```
 *
 * @param text Any string.
 * @returns The escaped string.
 */
export function escapeXml(text: string): string {
  return replaceInvalidChars(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** Attribute values of {@linkcode element}; `undefined` leaves one out. */
export type Attributes = Record<string, string | number | undefined>;

/**
 * Builds one element as a string; attribute values are escaped, `content`
 * is inserted as given (escape text with {@linkcode escapeXml} first).
 *
 * @example
 * ```ts
 * import { element } from "./_svg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(element("circle", { cx: 1.006, r: 3, fill: undefined }), '<circle cx="1.01" r="3"/>');
 * assert.equal(element("text", { x: 0 }, "a &amp; b"), '<text x="0">a &amp; b</text>');
 * ```
 *
 * @param name The tag name.
 * @param attributes Attribute values; numbers are rounded to 2 decimals.
 * @param content Markup inside the element; none gives a self-closing tag.
 * @returns The element's markup.
 */
export function element(
  name: string,
  attributes: Attributes,
  content?: string,
): string {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    const text = typeof value === "number"
      ? formatNumber(value)
      : escapeXml(value);
    out += ` ${key}="${text}"`;
  }
  return content === undefined ? `${out}/>` : `${out}>${content}</${name}>`;
}

/**
 * Formats a number compactly: at most 2 decimals, no trailing zeros, no `-0`.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./_svg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatNumber(12.3456), "12.35");
 * assert.equal(formatNumber(-0.001), "0");
 * assert.equal(formatNumber(4), "4");
 * ```
 *
 * @param value A finite number.
 * @returns Its text.
 */
export function formatNumber(value: number): string {
  const scale = 10 ** COORDINATE_DECIMALS;
  const rounded = Math.round(value * scale) / scale;
  return String(rounded === 0 ? 0 : rounded);
}

/** Tick positions from {@linkcode niceTicks}. */
export interface Ticks {
  /** Tick values, ascending, all within the requested range. */
  values: number[];
  /** The distance between ticks: 1, 2 or 5 times a power of ten. */
  step: number;
}

/**
 * Round tick values covering `[min, max]`, about `target` of them.
 *
 * @example
 * ```ts
 * import { niceTicks } from "./_svg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(niceTicks(-0.3, 1.7, 5), { values: [0, 0.5, 1, 1.5], step: 0.5 });
 * ```
 *
 * @param min The low end, finite.
 * @param max The high end, finite, above `min`.
 * @param target The tick count wanted. Default `6`.
 * @returns The ticks and their step.
 */
export function niceTicks(min: number, max: number, target = 6): Ticks {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return { values: [], step: 0 };
  const rough = span / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / magnitude;
  const factor = NICE_CUTS.find(([cut]) => fraction < cut)?.[1] ?? 10;
  const step = factor * magnitude;
  const values: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let k = first; k <= last; k++) {
    // Multiply integer indices so values carry no accumulated error.
    values.push(cleanFloat(k * step));
  }
  return { values, step };
}

/**
 * Formats a tick value with just enough decimals for its step.
 *
 * @example
 * ```ts
 * import { formatTick } from "./_svg.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatTick(0.5, 0.5), "0.5");
 * assert.equal(formatTick(-2, 1), "−2");
 * assert.equal(formatTick(20000, 10000), "20k");
 * ```
 *
 * @param value The tick value.
 * @param step The tick step.
 * @returns The label, with a true minus sign.
 */
export function formatTick(value: number, step: number): string {
  let text: string;
  if (Math.abs(step) >= 1000 && value % 1000 === 0) {
    text = `${value / 1000}k`;
  } else {
    const decimals = step > 0
      ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
      : 0;
    text = value.toFixed(Math.min(decimals, 10));
  }
  if (Number(text.replace("k", "")) === 0) return "0";
  return text.replace("-", "−");
}

/** Replaces characters XML 1.0 cannot carry, escaped or not. */
function replaceInvalidChars(text: string): string {
  let out = "";
  // Iterating a string yields code points; a lone surrogate comes alone.
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const invalid = (code < 0x20 && code !== 0x9 && code !== 0xa &&
      code !== 0xd) ||
      (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff;
    out += invalid ? REPLACEMENT_CHAR : char;
  }
  return out;
}

function cleanFloat(value: number): number {
  return Number(value.toPrecision(12));
}
