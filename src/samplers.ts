/**
 * Negative samplers for skip-gram with negative sampling: uniform, unigram^α
 * (Walker's alias method), hard (frequency-weighted accounts outside the
 * center's session) and a mixture of hard and unigram.
 *
 * References: Walker, "An efficient method for generating discrete random
 * variables with general distributions" (1977), in Vose's numerically stable
 * form (1991); Mikolov et al., "Distributed representations of words and
 * phrases" (2013) for the 3/4 power. Where we differ: word2vec fills a 10^8
 * entry table to approximate count^α; the alias table is exact, O(V) memory
 * and O(1) per draw. Hard negatives are drawn by rejection against a session
 * membership stamp, with an exact fallback, so session members are never
 * returned while any other account with weight remains.
 *
 * @module
 */

import type { Prng } from "./prng.ts";

/** 2^31, the scale of the alias thresholds and of 31-bit uniform numbers. */
const TWO_POW_31 = 2147483648;
/** The largest 31-bit number: a threshold that keeps every draw. */
const KEEP_ALL = 0x7fffffff;
/** Default unigram exponent (word2vec's 3/4 power). */
const DEFAULT_EXPONENT = 0.75;
/** Default share of hard negatives in the `mixed` sampler. */
const DEFAULT_HARD_FRACTION = 0.5;
/** Random numbers generated per refill of a {@linkcode RandomBlock}. */
const RANDOM_BLOCK = 1024;
/** Rejection attempts before a hard draw switches to its exact fallback. */
const MAX_REJECTIONS = 16;
/** The valid sampler names, in documentation order. */
const SAMPLER_NAMES: readonly SamplerName[] = [
  "uniform",
  "unigram",
  "hard",
  "mixed",
];

/**
 * A discrete distribution over `0 .. size-1` sampled in O(1) by the alias
 * method: draw a slot `i` uniformly, then keep `i` when a second uniform
 * 31-bit number is below `threshold[i]`, else take `alias[i]`.
 *
 * The arrays are public so hot loops can draw inline with their own
 * generator, with `u1`, `u2` uniform 31-bit integers:
 * `i = floor(u1 * size / 2^31); x = u2 < threshold[i] ? i : alias[i]`.
 * A slot of probability 1 has threshold `2^31 − 1` and is its own alias.
 *
 * @example
 * ```ts
 * import { AliasTable } from "./samplers.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const table = AliasTable.fromWeights([1, 0, 3]);
 * const prng = new Prng(7);
 * const hits = [0, 0, 0];
 * for (let i = 0; i < 4000; i++) hits[table.sample(prng)]!++;
 * assert.equal(hits[1], 0);
 * assert.ok(hits[2]! > 2 * hits[0]!);
 * ```
 */
export class AliasTable {
  /** Number of outcomes. */
  readonly size: number;
  /** Per slot: keep the slot when a uniform 31-bit number is below this. */
  readonly threshold: Int32Array;
  /** Per slot: the outcome taken when the slot is not kept. */
  readonly alias: Int32Array;
  /** `true` when every slot is always kept (all weights equal). */
  readonly isUniform: boolean;

  private constructor(threshold: Int32Array, alias: Int32Array) {
    this.size = threshold.length;
    this.threshold = threshold;
    this.alias = alias;
    let uniform = true;
    for (let i = 0; i < alias.length; i++) {
      if (alias[i] !== i) {
        uniform = false;
        break;
      }
    }
    this.isUniform = uniform;
  }

  /**
   * Builds the table for weights proportional to the target probabilities.
   *
   * @param weights Non-negative finite weights, at least one positive.
   * @returns The alias table.
   */
  static fromWeights(weights: ArrayLike<number>): AliasTable {
    const n = weights.length;
    if (n === 0) {
      throw new RangeError("Cannot build alias table: no weights");
    }
    if (n > 0x7fffffff) {
      throw new RangeError(`Cannot build alias table: ${n} weights`);
    }
    let sum = 0;
    let heaviest = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0) || w === Infinity) {
        throw new RangeError(
          `Cannot build alias table: weight ${i} is ${w}`,
        );
      }
      sum += w;
      if (w > weights[heaviest]!) heaviest = i;
    }
    if (!(sum > 0) || sum === Infinity) {
      throw new RangeError(
        `Cannot build alias table: weights sum to ${sum}`,
      );
    }
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let nSmall = 0;
    let nLarge = 0;
    for (let i = 0; i < n; i++) {
      const p = (weights[i]! / sum) * n;
      scaled[i] = p;
      if (p < 1) small[nSmall++] = i;
      else large[nLarge++] = i;
    }
    const threshold = new Int32Array(n);
    const alias = new Int32Array(n);
    while (nSmall > 0 && nLarge > 0) {
      const s = small[--nSmall]!;
      const l = large[--nLarge]!;
      threshold[s] = Math.min(Math.floor(scaled[s]! * TWO_POW_31), KEEP_ALL);
      alias[s] = l;
      const rest = scaled[l]! + scaled[s]! - 1;
      scaled[l] = rest;
      if (rest < 1) small[nSmall++] = l;
      else large[nLarge++] = l;
    }
    // Leftovers have probability 1 up to rounding; a zero weight can only end
    // here through rounding, and must still never be drawn.
    while (nLarge > 0) finishSlot(large[--nLarge]!);
    while (nSmall > 0) finishSlot(small[--nSmall]!);
    return new AliasTable(threshold, alias);

    function finishSlot(i: number): void {
      if (weights[i]! > 0) {
        threshold[i] = KEEP_ALL;
        alias[i] = i;
      } else {
        threshold[i] = 0;
        alias[i] = heaviest;
      }
    }
  }

  /**
   * Draws one outcome.
   *
   * @param prng The generator; two 32-bit numbers are consumed.
   * @returns An outcome in `[0, size)`.
   */
  sample(prng: Prng): number {
    const i = Math.floor((prng.u32() >>> 1) * this.size / TWO_POW_31);
    return (prng.u32() >>> 1) < this.threshold[i]! ? i : this.alias[i]!;
  }
}

/**
 * The built-in negative samplers.
 *
 * @example
 * ```ts
 * import { createSampler, type SamplerName } from "./samplers.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const counts = Float64Array.of(8, 4, 2, 1);
 * const names: SamplerName[] = ["uniform", "unigram", "hard", "mixed"];
 * for (const name of names) {
 *   const sampler = createSampler(name, counts, { prng: new Prng(3) });
 *   assert.equal(sampler.name, name);
 *   // Hard negatives depend on the session, so they cannot come from one table.
 *   assert.equal(sampler.usesSession, name === "hard" || name === "mixed");
 *   assert.equal(sampler.table === null, sampler.usesSession);
 * }
 * ```
 */
export type SamplerName = "uniform" | "unigram" | "hard" | "mixed";

/**
 * Unigram weights `count^exponent`; accounts with a zero count get weight 0.
 *
 * @param counts Count per account id, non-negative.
 * @param exponent The power α. Default `0.75`; `0` is uniform over accounts
 *   with a positive count; a negative α favours rare accounts.
 * @returns One weight per account id.
 *
 * @example
 * ```ts
 * import { unigramWeights } from "./samplers.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...unigramWeights([16, 1, 0], 0.5)], [4, 1, 0]);
 * assert.deepEqual([...unigramWeights([4, 1, 0], -1)], [0.25, 1, 0]);
 * ```
 */
export function unigramWeights(
  counts: ArrayLike<number>,
  exponent: number = DEFAULT_EXPONENT,
): Float64Array {
  if (!Number.isFinite(exponent)) {
    throw new RangeError(
      `Cannot compute unigram weights: exponent is ${exponent}`,
    );
  }
  const weights = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!(c >= 0) || c === Infinity) {
      throw new RangeError(
        `Cannot compute unigram weights: count ${i} is ${c}`,
      );
    }
    weights[i] = c > 0 ? Math.pow(c, exponent) : 0;
  }
  return weights;
}

/**
 * Draws negative account ids for skip-gram pairs.
 *
 * A pair stream announces each session with {@linkcode NegativeSampler.beginSession}
 * (when {@linkcode NegativeSampler.usesSession} is `true`), then asks for the
 * negatives of each (center, context) pair of that session.
 *
 * @example A sampler of one's own, given to a pair stream
 * ```ts
 * import { PairStream } from "./pairs.ts";
 * import { Prng } from "./prng.ts";
 * import type { NegativeSampler } from "./samplers.ts";
 * import assert from "node:assert/strict";
 *
 * // The negatives of a pair are the ids after its context, wrapping around.
 * const following: NegativeSampler = {
 *   name: "following",
 *   table: null,
 *   usesSession: false,
 *   beginSession() {},
 *   drawInto(out, offset, n, _center, context) {
 *     for (let k = 0; k < n; k++) out[offset + k] = (context + 1 + k) % 4;
 *   },
 * };
 * const corpus = { ids: Int32Array.of(0, 1), offsets: Int32Array.of(0, 2) };
 * const stream = new PairStream(corpus, Float64Array.of(1, 1, 1, 1), {
 *   window: 1, sample: 0, negatives: 2, sampler: following, prng: new Prng(1),
 * });
 * const contexts = new Int32Array(4), negs = new Int32Array(8);
 * const n = stream.fill(new Int32Array(4), contexts, negs, 4);
 * assert.deepEqual([...contexts.subarray(0, n)], [1, 0]);
 * assert.deepEqual([...negs.subarray(0, 2 * n)], [2, 3, 1, 2]);
 * ```
 */
export interface NegativeSampler {
  /** The sampler's name. */
  readonly name: string;
  /**
   * When not `null`, every negative is an independent draw from this table,
   * whatever the center, context and session, so a caller may draw from it
   * inline with its own generator instead of calling `drawInto`.
   */
  readonly table: AliasTable | null;
  /** Whether draws depend on the session announced by `beginSession`. */
  readonly usesSession: boolean;
  /**
   * Announces the session the next pairs come from.
   *
   * @param ids The corpus ids.
   * @param start First position of the session.
   * @param end One past its last position.
   */
  beginSession(ids: Int32Array, start: number, end: number): void;
  /**
   * Writes `n` negatives for one pair to `out[offset .. offset + n)`;
   * `-1` marks a slot with no possible negative.
   *
   * @param out The destination.
   * @param offset First index written.
   * @param n Number of negatives.
   * @param center The pair's center id (a member of the current session).
   * @param context The pair's context id.
   */
  drawInto(
    out: Int32Array,
    offset: number,
    n: number,
    center: number,
    context: number,
  ): void;
  /** The sampler's own random state, when it keeps one (to checkpoint a run). */
  randomState?(): Int32Array;
  /**
   * Restores a state returned by `randomState`.
   *
   * @param state The saved state.
   */
  setRandomState?(state: Int32Array): void;
}

/**
 * Options of {@linkcode createSampler}.
 *
 * @example
 * ```ts
 * import { createSampler, type SamplerOptions } from "./samplers.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * // Exponent 0: every account with a positive count is equally likely.
 * const flat: SamplerOptions = { exponent: 0, prng: new Prng(1) };
 * assert.ok(createSampler("unigram", Float64Array.of(100, 1), flat).table?.isUniform);
 * // hardFraction 1: a mixed sampler draws only hard negatives, outside the session.
 * const mixed = createSampler("mixed", Float64Array.of(50, 40, 30), { hardFraction: 1, prng: new Prng(2) });
 * mixed.beginSession(Int32Array.of(0, 1), 0, 2);
 * const out = new Int32Array(10);
 * for (let k = 0; k < 10; k++) mixed.drawInto(out, k, 1, 0, 1);
 * assert.ok(out.every((id) => id === 2));
 * ```
 */
export interface SamplerOptions {
  /** Unigram power α for `unigram`, `hard` and `mixed`. Default `0.75`. */
  exponent?: number;
  /** Probability that a `mixed` negative is hard. Default `0.5`. */
  hardFraction?: number;
  /** The generator the sampler draws from. Required. */
  prng: Prng;
}

/**
 * Creates a negative sampler by name.
 *
 * - `uniform`: every account id equally likely.
 * - `unigram`: proportional to `count^exponent`.
 * - `hard`: proportional to `count^exponent` among accounts outside the
 *   center's session (never the center); when fewer accounts with weight
 *   remain than negatives are asked for, any non-center account.
 * - `mixed`: each negative is hard with probability `hardFraction`, else unigram.
 *
 * @param name One of `uniform`, `unigram`, `hard`, `mixed`.
 * @param counts Count per account id (id 0 most frequent).
 * @param options Exponent, hard fraction and the generator.
 * @returns The sampler.
 *
 * @example
 * ```ts
 * import { createSampler } from "./samplers.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const counts = new Float64Array([50, 40, 30, 20, 10]);
 * const hard = createSampler("hard", counts, { prng: new Prng(1) });
 * const session = new Int32Array([0, 2]);
 * hard.beginSession(session, 0, 2);
 * const out = new Int32Array(20);
 * for (let k = 0; k < 20; k += 2) hard.drawInto(out, k, 2, 0, 2);
 * assert.ok(out.every((id) => id === 1 || id === 3 || id === 4));
 * ```
 */
export function createSampler(
  name: SamplerName,
  counts: Float64Array,
  options: SamplerOptions,
): NegativeSampler {
  const prng = options.prng;
  if (prng === undefined) {
    throw new TypeError("Cannot create sampler: options.prng is missing");
  }
  const exponent = options.exponent ?? DEFAULT_EXPONENT;
  const hardFraction = options.hardFraction ?? DEFAULT_HARD_FRACTION;
  if (!(hardFraction >= 0 && hardFraction <= 1)) {
    throw new RangeError(
      `Cannot create sampler: hardFraction must be in [0, 1], got ${hardFraction}`,
    );
  }
  switch (name) {
    case "uniform": {
      if (counts.length === 0) {
        throw new RangeError("Cannot create sampler: empty vocabulary");
      }
      const ones = new Float64Array(counts.length).fill(1);
      return new TableSampler(name, AliasTable.fromWeights(ones), prng);
    }
    case "unigram":
      return new TableSampler(
        name,
        AliasTable.fromWeights(unigramWeights(counts, exponent)),
        prng,
      );
    case "hard":
      return new HardSampler(unigramWeights(counts, exponent), prng);
    case "mixed":
      return new MixedSampler(
        new HardSampler(unigramWeights(counts, exponent), prng),
        hardFraction,
      );
    default:
      throw new RangeError(
        `Cannot create sampler: unknown name "${name}", expected one of ${
          SAMPLER_NAMES.join(", ")
        }`,
      );
  }
}

/** Independent draws from one alias table (`uniform`, `unigram`). */
class TableSampler implements NegativeSampler {
  readonly name: string;
  readonly table: AliasTable;
  readonly usesSession = false;
  #prng: Prng;

  constructor(name: string, table: AliasTable, prng: Prng) {
    this.name = name;
    this.table = table;
    this.#prng = prng;
  }

  beginSession(_ids: Int32Array, _start: number, _end: number): void {}

  drawInto(
    out: Int32Array,
    offset: number,
    n: number,
    _center: number,
    _context: number,
  ): void {
    const table = this.table;
    const prng = this.#prng;
    for (let k = 0; k < n; k++) out[offset + k] = table.sample(prng);
  }
}

/** Frequency-weighted draws from accounts outside the current session. */
class HardSampler implements NegativeSampler {
  readonly name: string = "hard";
  readonly table = null;
  readonly usesSession = true;
  /** The unweighted table over all accounts, used for rejection. */
  readonly all: AliasTable;
  /** The generator, shared with a {@linkcode MixedSampler} around this one. */
  readonly random: RandomBlock;
  #weights: Float64Array;
  #positive: number;
  #stamp: Int32Array;
  #current = 0;
  /** Accounts with positive weight outside the current session. */
  #allowedPositive: number;
  #allowedBuilt = false;
  #allowedIds: Int32Array;
  #allowedCum: Float64Array;
  #allowedLength = 0;

  constructor(weights: Float64Array, prng: Prng) {
    this.all = AliasTable.fromWeights(weights);
    this.random = new RandomBlock(prng);
    this.#weights = weights;
    let positive = 0;
    for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) positive++;
    this.#positive = positive;
    this.#allowedPositive = positive;
    this.#stamp = new Int32Array(weights.length);
    this.#allowedIds = new Int32Array(0);
    this.#allowedCum = new Float64Array(0);
  }

  beginSession(ids: Int32Array, start: number, end: number): void {
    if (this.#current === 0x7fffffff) {
      this.#stamp.fill(0);
      this.#current = 0;
    }
    const mark = ++this.#current;
    const stamp = this.#stamp;
    const weights = this.#weights;
    let positiveMembers = 0;
    for (let p = start; p < end; p++) {
      const id = ids[p]!;
      if (stamp[id] !== mark) {
        stamp[id] = mark;
        if (weights[id]! > 0) positiveMembers++;
      }
    }
    this.#allowedPositive = this.#positive - positiveMembers;
    this.#allowedBuilt = false;
  }

  randomState(): Int32Array {
    return this.random.state();
  }

  setRandomState(state: Int32Array): void {
    this.random.setState(state);
  }

  drawInto(
    out: Int32Array,
    offset: number,
    n: number,
    center: number,
    _context: number,
  ): void {
    for (let k = 0; k < n; k++) out[offset + k] = this.drawOne(center, n);
  }

  /**
   * One hard negative for `center`, out of `needed` for its pair.
   *
   * @param center The center id.
   * @param needed How many negatives the pair needs.
   * @returns An account id, or -1 when no account but the center exists.
   */
  drawOne(center: number, needed: number): number {
    if (this.#allowedPositive < needed || this.#allowedPositive === 0) {
      return this.#drawNotCenter(center);
    }
    const table = this.all;
    const size = table.size;
    const threshold = table.threshold;
    const alias = table.alias;
    const stamp = this.#stamp;
    const mark = this.#current;
    const random = this.random;
    for (let r = 0; r < MAX_REJECTIONS; r++) {
      const i = Math.floor(random.next31() * size / TWO_POW_31);
      const x = random.next31() < threshold[i]! ? i : alias[i]!;
      if (stamp[x] !== mark && x !== center) return x;
    }
    return this.#drawAllowedExact(center);
  }

  /** Exact draw from the allowed accounts by inverse CDF over a lazy list. */
  #drawAllowedExact(center: number): number {
    if (!this.#allowedBuilt) this.#buildAllowed();
    const cum = this.#allowedCum;
    const ids = this.#allowedIds;
    const length = this.#allowedLength;
    const total = cum[length - 1]!;
    for (let r = 0; r < MAX_REJECTIONS; r++) {
      const u = this.random.unit() * total;
      let lo = 0;
      let hi = length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      const x = ids[lo]!;
      if (x !== center) return x;
    }
    // Only reachable when the center is not a session member and holds
    // nearly all the allowed weight.
    return this.#drawNotCenter(center);
  }

  #buildAllowed(): void {
    const n = this.#weights.length;
    if (this.#allowedIds.length < n) {
      this.#allowedIds = new Int32Array(n);
      this.#allowedCum = new Float64Array(n);
    }
    const weights = this.#weights;
    const stamp = this.#stamp;
    const mark = this.#current;
    const ids = this.#allowedIds;
    const cum = this.#allowedCum;
    let length = 0;
    let total = 0;
    for (let id = 0; id < n; id++) {
      const w = weights[id]!;
      if (w > 0 && stamp[id] !== mark) {
        total += w;
        ids[length] = id;
        cum[length] = total;
        length++;
      }
    }
    this.#allowedLength = length;
    this.#allowedBuilt = true;
  }

  /** Frequency-weighted draw from every account but the center. */
  #drawNotCenter(center: number): number {
    const random = this.random;
    for (let r = 0; r < MAX_REJECTIONS; r++) {
      const x = random.alias(this.all);
      if (x !== center) return x;
    }
    // The center holds nearly all the weight: scan exactly.
    const weights = this.#weights;
    let total = 0;
    for (let id = 0; id < weights.length; id++) {
      if (id !== center) total += weights[id]!;
    }
    if (total > 0) {
      let u = random.unit() * total;
      let last = -1;
      for (let id = 0; id < weights.length; id++) {
        if (id === center || !(weights[id]! > 0)) continue;
        last = id;
        u -= weights[id]!;
        if (u < 0) return id;
      }
      return last;
    }
    const size = weights.length;
    if (size < 2) return -1;
    const x = Math.floor(random.unit() * (size - 1));
    return x >= center ? x + 1 : x;
  }
}

/** Each negative hard with probability `hardFraction`, else unigram. */
class MixedSampler implements NegativeSampler {
  readonly name: string = "mixed";
  readonly table = null;
  readonly usesSession = true;
  #hard: HardSampler;
  #hardFraction: number;

  constructor(hard: HardSampler, hardFraction: number) {
    this.#hard = hard;
    this.#hardFraction = hardFraction;
  }

  beginSession(ids: Int32Array, start: number, end: number): void {
    this.#hard.beginSession(ids, start, end);
  }

  randomState(): Int32Array {
    return this.#hard.randomState();
  }

  setRandomState(state: Int32Array): void {
    this.#hard.setRandomState(state);
  }

  drawInto(
    out: Int32Array,
    offset: number,
    n: number,
    center: number,
    _context: number,
  ): void {
    const hard = this.#hard;
    const table = hard.all;
    const random = hard.random;
    const fraction = this.#hardFraction;
    for (let k = 0; k < n; k++) {
      out[offset + k] = random.unit() < fraction
        ? hard.drawOne(center, n)
        : random.alias(table);
    }
  }
}

/**
 * Fills `out` with the next xoshiro128** outputs (Blackman and Vigna, 2018)
 * and advances the four-word `state` in place. The pair stream and the
 * samplers draw their random numbers in such blocks.
 *
 * @param state Four 32-bit words, not all zero.
 * @param out The block to fill.
 *
 * @example
 * ```ts
 * import { fillXoshiroBlock } from "./samplers.ts";
 * import assert from "node:assert/strict";
 *
 * const a = Int32Array.of(1, 2, 3, 4);
 * const b = Int32Array.of(1, 2, 3, 4);
 * const one = new Int32Array(8);
 * const two = new Int32Array(4);
 * fillXoshiroBlock(a, one);
 * fillXoshiroBlock(b, two.subarray(0, 4));
 * assert.deepEqual([...two], [...one.subarray(0, 4)]); // the same stream
 * ```
 */
export function fillXoshiroBlock(state: Int32Array, out: Int32Array): void {
  let s0 = state[0]!;
  let s1 = state[1]!;
  let s2 = state[2]!;
  let s3 = state[3]!;
  for (let k = 0; k < out.length; k++) {
    const m = Math.imul(s1, 5);
    out[k] = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

/**
 * Random 31-bit numbers drawn in blocks from a xoshiro128** state seeded by a
 * {@linkcode Prng}; keeps the state in an Int32Array so hot loops do not box
 * numbers.
 */
class RandomBlock {
  readonly values = new Int32Array(RANDOM_BLOCK);
  #pos = RANDOM_BLOCK;
  #state = new Int32Array(4);

  constructor(prng: Prng) {
    const state = this.#state;
    for (let k = 0; k < 4; k++) state[k] = prng.u32();
    if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  }

  /**
   * The generator words, the position in the block and the block.
   *
   * @returns A copy of the state.
   */
  state(): Int32Array {
    const out = new Int32Array(5 + RANDOM_BLOCK);
    out.set(this.#state, 0);
    out[4] = this.#pos;
    out.set(this.values, 5);
    return out;
  }

  /**
   * Restores a state returned by {@linkcode RandomBlock.state}.
   *
   * @param state The saved state.
   */
  setState(state: Int32Array): void {
    const pos = state[4] ?? -1;
    if (state.length !== 5 + RANDOM_BLOCK || pos < 0 || pos > RANDOM_BLOCK) {
      throw new TypeError(
        "Cannot restore sampler state: wrong length or position",
      );
    }
    this.#state.set(state.subarray(0, 4));
    this.#pos = pos;
    this.values.set(state.subarray(5));
  }

  /** A uniform integer in `[0, 2^31)`. */
  next31(): number {
    if (this.#pos === RANDOM_BLOCK) this.#refill();
    return this.values[this.#pos++]! >>> 1;
  }

  /** A uniform float in `[0, 1)`. */
  unit(): number {
    return this.next31() / TWO_POW_31;
  }

  /** One draw from an alias table. */
  alias(table: AliasTable): number {
    const i = Math.floor(this.next31() * table.size / TWO_POW_31);
    return this.next31() < table.threshold[i]! ? i : table.alias[i]!;
  }

  #refill(): void {
    fillXoshiroBlock(this.#state, this.values);
    this.#pos = 0;
  }
}
