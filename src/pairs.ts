/**
 * The skip-gram pair stream: (center, context) pairs with their negatives,
 * written in batches into caller-owned Int32 arrays.
 *
 * Reference: word2vec.c (Mikolov et al., 2013) — frequent-token subsampling
 * before windowing with keep probability `(sqrt(f/(s·T)) + 1)·(s·T)/f`, and
 * the shrinking window (per center, `b` uniform in `1..window`). Where we
 * differ: sessions take the place of sentences; an item2vec-style "session"
 * mode pairs every position of a session (capped each side); an optional
 * per-session global context (Airbnb, Grbovic and Cheng 2018) joins every
 * window; a position is never paired with itself, pairs of an account with
 * another occurrence of itself are kept as in word2vec unless `selfPairs` is
 * off, and a session of one repeated account gives no pairs; random numbers
 * come from a seeded xoshiro128** in blocks, so a run is reproducible and
 * independent of batch sizes.
 *
 * @module
 */

import type { Corpus } from "./corpus.ts";
import type { Prng } from "./prng.ts";
import {
  createSampler,
  fillXoshiroBlock,
  type NegativeSampler,
  type SamplerName,
} from "./samplers.ts";

/** 2^31, the scale of 31-bit uniform numbers and of the keep thresholds. */
const TWO_POW_31 = 2147483648;
/** Keep threshold of an account that is never subsampled away. */
const KEEP_ALWAYS = 0x7fffffff;
/** Default maximum distance between center and context. */
const DEFAULT_WINDOW = 5;
/** Default subsampling threshold (word2vec's `-sample`). */
const DEFAULT_SAMPLE = 1e-3;
/** Default number of negatives per pair. */
const DEFAULT_NEGATIVES = 5;
/** Default cap on positions each side in "session" mode. */
const DEFAULT_MAX_SESSION_WINDOW = 1000;
/** Largest number of negatives per pair (two random numbers each per block). */
const MAX_NEGATIVES = 1024;
/** Random 32-bit numbers generated per refill. */
const RANDOM_BLOCK = 4096;
/** Window modes as small integers for the hot loop. */
const MODE_FIXED = 0;
const MODE_SHRINKING = 1;
const MODE_SESSION = 2;

/**
 * How far a center's context reaches: `fixed` — every offset `1..window`;
 * `shrinking` — per center a reach `b` uniform in `1..window` (word2vec);
 * `session` — every other position of the session (item2vec), capped.
 *
 * @example The session mode pairs every two positions
 * ```ts
 * import { countFixedWindowPairs, PairStream, type WindowMode } from "./pairs.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const corpus = { ids: Int32Array.of(0, 1, 2, 3, 4, 5), offsets: Int32Array.of(0, 6) };
 * const pairs = (windowMode: WindowMode) => {
 *   const stream = new PairStream(corpus, new Float64Array(6).fill(1), {
 *     window: 1, windowMode, sample: 0, negatives: 0, prng: new Prng(1),
 *   });
 *   return stream.fill(new Int32Array(64), new Int32Array(64), new Int32Array(0), 64);
 * };
 * assert.equal(pairs("fixed"), countFixedWindowPairs(6, 1));
 * assert.equal(pairs("session"), 6 * 5);
 * assert.equal(pairs("shrinking"), pairs("fixed")); // a reach of 1..1 is 1
 * ```
 */
export type WindowMode = "fixed" | "shrinking" | "session";

/**
 * Options of {@linkcode PairStream}.
 *
 * @example One session of two, without self-pairs, with a global context
 * ```ts
 * import { PairStream, type PairStreamOptions } from "./pairs.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const corpus = { ids: Int32Array.of(0, 1, 0, 2, 3), offsets: Int32Array.of(0, 3, 5) };
 * const options: PairStreamOptions = {
 *   window: 2,
 *   windowMode: "fixed",
 *   sample: 0,
 *   negatives: 1,
 *   sampler: "uniform",
 *   selfPairs: false,
 *   sessionRange: [0, 1],
 *   globalContext: Int32Array.of(3, -1),
 *   prng: new Prng(7),
 * };
 * const stream = new PairStream(corpus, Float64Array.of(2, 1, 1, 1), options);
 * const centers = new Int32Array(16), contexts = new Int32Array(16), negs = new Int32Array(16);
 * const n = stream.fill(centers, contexts, negs, 16);
 * assert.deepEqual([...centers.subarray(0, n)], [0, 0, 1, 1, 1, 0, 0]);
 * assert.deepEqual([...contexts.subarray(0, n)], [1, 3, 0, 0, 3, 1, 3]);
 * assert.ok([...negs.subarray(0, n)].every((id) => id >= 0 && id < 4));
 * assert.equal(stream.epochTokens, 3);
 * ```
 */
export interface PairStreamOptions {
  /** Maximum distance between center and context. Default `5`. */
  window?: number;
  /** How the window is applied. Default `"shrinking"`. */
  windowMode?: WindowMode;
  /** Cap on positions each side in `"session"` mode. Default `1000`. */
  maxSessionWindow?: number;
  /**
   * Subsampling threshold `s`: a token with count `f` out of `T` is kept with
   * probability `(sqrt(f/(s·T)) + 1)·(s·T)/f`, drawn afresh each epoch.
   * Default `1e-3`; `0` keeps every token.
   */
  sample?: number;
  /** Negatives per pair. Default `5`. */
  negatives?: number;
  /** The negative sampler, or a built-in's name. Default `"unigram"`. */
  sampler?: NegativeSampler | SamplerName;
  /** Unigram power for a named sampler. Default `0.75`. */
  exponent?: number;
  /** Share of hard negatives for the `"mixed"` sampler. Default `0.5`. */
  hardFraction?: number;
  /**
   * Keep pairs of an account with another occurrence of itself in the window
   * (word2vec and gensim keep them; on session data they help next-item
   * quality). A session of one repeated account gives no pairs either way.
   * Default `true`.
   */
  selfPairs?: boolean;
  /** Only sessions `[a, b)`. Default all sessions. */
  sessionRange?: [number, number];
  /**
   * Per session an account id (`-1` for none) paired with every kept center
   * of the session, once per center. Default none.
   */
  globalContext?: Int32Array;
  /** The generator; the stream seeds its own from it. Required. */
  prng: Prng;
}

/**
 * Streams skip-gram pairs and negatives from a corpus, in resumable batches.
 *
 * @example
 * ```ts
 * import { PairStream } from "./pairs.ts";
 * import { Prng } from "./prng.ts";
 * import assert from "node:assert/strict";
 *
 * const corpus = { ids: new Int32Array([0, 1, 2, 1, 3]), offsets: new Int32Array([0, 3, 5]) };
 * const counts = new Float64Array([1, 2, 1, 1]);
 * const stream = new PairStream(corpus, counts, {
 *   window: 1, windowMode: "fixed", sample: 0, negatives: 2, prng: new Prng(1),
 * });
 * const centers = new Int32Array(16), contexts = new Int32Array(16), negs = new Int32Array(32);
 * const n = stream.fill(centers, contexts, negs, 16);
 * assert.equal(n, 6);
 * assert.deepEqual([...centers.subarray(0, n)], [0, 1, 1, 2, 1, 3]);
 * assert.deepEqual([...contexts.subarray(0, n)], [1, 0, 2, 1, 3, 1]);
 * assert.equal(stream.fill(centers, contexts, negs, 16), 0);
 * assert.equal(stream.tokensDone, 5);
 * ```
 */
export class PairStream {
  #ids: Int32Array;
  #offsets: Int32Array;
  #first: number;
  #last: number;
  #window: number;
  #mode: number;
  #negatives: number;
  #sampler: NegativeSampler;
  #global: Int32Array | null;
  #selfPairs: boolean;
  /** Keep threshold per id, scaled by 2^31; null when subsampling is off. */
  #keep: Int32Array | null;
  #epochTokens: number;

  // Generator state (xoshiro128**) and the block of numbers drawn from it.
  #state = new Int32Array(4);
  #random = new Int32Array(RANDOM_BLOCK);
  #randomPos = RANDOM_BLOCK;

  // Cursor.
  #session = 0;
  #kept = new Int32Array(64);
  #keptLength = 0;
  #center = 0;
  #cursor = 1;
  #hi = 0;
  #globalId = -1;
  #globalPending = false;
  #tokensDone = 0;

  /**
   * Creates a stream over `corpus`.
   *
   * @param corpus Flat session ids and offsets.
   * @param counts Count per account id; its length is the vocabulary size.
   * @param options Window, subsampling, negatives, range and generator.
   */
  constructor(
    corpus: Corpus,
    counts: Float64Array,
    options: PairStreamOptions,
  ) {
    const { ids, offsets } = corpus ?? {};
    if (!(ids instanceof Int32Array) || !(offsets instanceof Int32Array)) {
      throw new TypeError(
        "Cannot create pair stream: corpus needs Int32Array ids and offsets",
      );
    }
    if (!(counts instanceof Float64Array)) {
      throw new TypeError(
        "Cannot create pair stream: counts must be a Float64Array",
      );
    }
    if (options?.prng === undefined) {
      throw new TypeError("Cannot create pair stream: options.prng is missing");
    }
    const sessions = offsets.length - 1;
    if (sessions < 0 || offsets[0] !== 0 || offsets[sessions] !== ids.length) {
      throw new TypeError(
        `Cannot create pair stream: offsets must run from 0 to ${ids.length}`,
      );
    }
    for (let s = 0; s < sessions; s++) {
      if (offsets[s + 1]! < offsets[s]!) {
        throw new RangeError(
          `Cannot create pair stream: offsets decrease at session ${s}`,
        );
      }
    }
    const vocabSize = counts.length;
    for (let p = 0; p < ids.length; p++) {
      const id = ids[p]!;
      if (id < 0 || id >= vocabSize) {
        throw new RangeError(
          `Cannot create pair stream: id ${id} at position ${p} is outside [0, ${vocabSize})`,
        );
      }
    }
    const window = options.window ?? DEFAULT_WINDOW;
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(
        `Cannot create pair stream: window must be an integer >= 1, got ${window}`,
      );
    }
    const modeName = options.windowMode ?? "shrinking";
    if (modeName === "fixed") this.#mode = MODE_FIXED;
    else if (modeName === "shrinking") this.#mode = MODE_SHRINKING;
    else if (modeName === "session") this.#mode = MODE_SESSION;
    else {
      throw new RangeError(
        `Cannot create pair stream: unknown windowMode "${modeName}", expected fixed, shrinking or session`,
      );
    }
    const cap = options.maxSessionWindow ?? DEFAULT_MAX_SESSION_WINDOW;
    if (!Number.isInteger(cap) || cap < 1) {
      throw new RangeError(
        `Cannot create pair stream: maxSessionWindow must be an integer >= 1, got ${cap}`,
      );
    }
    this.#window = this.#mode === MODE_SESSION ? cap : window;
    const negatives = options.negatives ?? DEFAULT_NEGATIVES;
    if (
      !Number.isInteger(negatives) || negatives < 0 || negatives > MAX_NEGATIVES
    ) {
      throw new RangeError(
        `Cannot create pair stream: negatives must be an integer in [0, ${MAX_NEGATIVES}], got ${negatives}`,
      );
    }
    this.#negatives = negatives;
    const sample = options.sample ?? DEFAULT_SAMPLE;
    if (!(sample >= 0) || sample === Infinity) {
      throw new RangeError(
        `Cannot create pair stream: sample must be >= 0, got ${sample}`,
      );
    }
    this.#keep = sample > 0 ? keepThresholds(counts, sample) : null;
    const [first, last] = options.sessionRange ?? [0, sessions];
    if (
      !Number.isInteger(first) || !Number.isInteger(last) || first < 0 ||
      last > sessions || first > last
    ) {
      throw new RangeError(
        `Cannot create pair stream: sessionRange [${first}, ${last}] is outside [0, ${sessions}]`,
      );
    }
    this.#first = first;
    this.#last = last;
    const global = options.globalContext ?? null;
    if (global !== null) {
      if (!(global instanceof Int32Array) || global.length !== sessions) {
        throw new TypeError(
          `Cannot create pair stream: globalContext must be an Int32Array of ${sessions} ids`,
        );
      }
      for (let s = 0; s < sessions; s++) {
        const g = global[s]!;
        if (g < -1 || g >= vocabSize) {
          throw new RangeError(
            `Cannot create pair stream: globalContext of session ${s} is ${g}`,
          );
        }
      }
    }
    this.#global = global;
    this.#selfPairs = options.selfPairs ?? true;
    this.#ids = ids;
    this.#offsets = offsets;
    this.#epochTokens = offsets[last]! - offsets[first]!;
    const prng = options.prng;
    const sampler = options.sampler ?? "unigram";
    this.#sampler = typeof sampler === "string"
      ? createSampler(sampler, counts, {
        exponent: options.exponent,
        hardFraction: options.hardFraction,
        prng,
      })
      : sampler;
    const state = this.#state;
    for (let k = 0; k < 4; k++) state[k] = prng.u32() | 0;
    if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
    this.startEpoch();
  }

  /** Rewinds to the first session of the range; random draws continue. */
  startEpoch(): void {
    this.#session = this.#first;
    this.#keptLength = 0;
    this.#center = 0;
    this.#cursor = 1;
    this.#hi = 0;
    this.#globalId = -1;
    this.#globalPending = false;
    this.#tokensDone = 0;
  }

  /** Corpus tokens passed this epoch (before subsampling). */
  get tokensDone(): number {
    return this.#tokensDone;
  }

  /** Corpus tokens in the session range. */
  get epochTokens(): number {
    return this.#epochTokens;
  }

  /** Negatives written per pair. */
  get negatives(): number {
    return this.#negatives;
  }

  /**
   * Writes up to `maxPairs` pairs from index 0: `centers[k]` (input row),
   * `contexts[k]` (output row) and their negatives at
   * `negs[k·negatives .. (k+1)·negatives)` (`-1` when none exists). Resumes
   * where the previous call stopped.
   *
   * @param centers Destination of center ids.
   * @param contexts Destination of context ids.
   * @param negs Destination of negatives, `maxPairs · negatives` long at least.
   * @param maxPairs Largest number of pairs to write.
   * @returns Pairs written; `0` once the epoch is done.
   */
  fill(
    centers: Int32Array,
    contexts: Int32Array,
    negs: Int32Array,
    maxPairs: number,
  ): number {
    const nNeg = this.#negatives;
    if (
      !(maxPairs >= 0) || centers.length < maxPairs ||
      contexts.length < maxPairs || negs.length < maxPairs * nNeg
    ) {
      throw new RangeError(
        `Cannot fill pairs: maxPairs ${maxPairs} needs ${maxPairs} centers, contexts and ${
          maxPairs * nNeg
        } negatives, got ${centers.length}, ${contexts.length}, ${negs.length}`,
      );
    }
    const sampler = this.#sampler;
    const table = sampler.table;
    const inline = table !== null;
    const uniform = inline && table.isUniform;
    const tableSize = inline ? table.size : 0;
    const scale = tableSize / TWO_POW_31;
    const threshold = inline ? table.threshold : new Int32Array(0);
    const alias = inline ? table.alias : new Int32Array(0);
    const random = this.#random;
    const randomLimit = RANDOM_BLOCK - 2 * nNeg;
    const mode = this.#mode;
    const window = this.#window;
    const selfPairs = this.#selfPairs;

    let kept = this.#kept;
    let length = this.#keptLength;
    let i = this.#center;
    let j = this.#cursor;
    let hi = this.#hi;
    let globalId = this.#globalId;
    let globalPending = this.#globalPending;
    let rp = this.#randomPos;
    let c = i < length ? kept[i]! : -1;
    let n = 0;
    while (n < maxPairs) {
      let ctx: number;
      if (j <= hi) {
        if (j === i) {
          j++;
          continue;
        }
        ctx = kept[j++]!;
        if (ctx === c && !selfPairs) continue;
      } else if (globalPending) {
        globalPending = false;
        ctx = globalId;
      } else {
        // Next center, loading sessions as needed.
        i++;
        if (i >= length) {
          this.#randomPos = rp;
          length = this.#loadSessions();
          rp = this.#randomPos;
          if (length === 0) {
            i = 0;
            j = 1;
            hi = 0;
            break;
          }
          kept = this.#kept;
          globalId = this.#globalId;
          i = 0;
        }
        c = kept[i]!;
        let reach = window;
        if (mode === MODE_SHRINKING) {
          if (rp === RANDOM_BLOCK) {
            this.#refill();
            rp = 0;
          }
          reach = 1 + Math.floor((random[rp++]! >>> 1) * window / TWO_POW_31);
        }
        j = i - reach < 0 ? 0 : i - reach;
        hi = i + reach >= length ? length - 1 : i + reach;
        globalPending = globalId >= 0 && globalId !== c;
        continue;
      }
      centers[n] = c;
      contexts[n] = ctx;
      const base = n * nNeg;
      if (inline) {
        if (rp > randomLimit) {
          this.#refill();
          rp = 0;
        }
        if (uniform) {
          for (let k = 0; k < nNeg; k++) {
            negs[base + k] = Math.floor((random[rp++]! >>> 1) * scale);
          }
        } else {
          for (let k = 0; k < nNeg; k++) {
            const slot = Math.floor((random[rp++]! >>> 1) * scale);
            // Branch-free select: mask is -1 when the slot is kept, else 0.
            const mask = ((random[rp++]! >>> 1) - threshold[slot]!) >> 31;
            const other = alias[slot]!;
            negs[base + k] = other ^ ((slot ^ other) & mask);
          }
        }
      } else if (nNeg > 0) {
        sampler.drawInto(negs, base, nNeg, c, ctx);
      }
      n++;
    }
    this.#keptLength = length;
    this.#center = i;
    this.#cursor = j;
    this.#hi = hi;
    this.#globalPending = globalPending;
    this.#randomPos = rp;
    return n;
  }

  /**
   * Loads the next session with at least one kept token into the scratch
   * buffer, subsampling on the way.
   *
   * @returns The number of kept tokens, 0 when the range is exhausted.
   */
  #loadSessions(): number {
    const ids = this.#ids;
    const offsets = this.#offsets;
    const keep = this.#keep;
    const random = this.#random;
    const sampler = this.#sampler;
    const global = this.#global;
    let rp = this.#randomPos;
    while (this.#session < this.#last) {
      const s = this.#session++;
      const start = offsets[s]!;
      const end = offsets[s + 1]!;
      this.#tokensDone += end - start;
      if (end - start > this.#kept.length) {
        this.#kept = new Int32Array(
          Math.max(end - start, 2 * this.#kept.length),
        );
      }
      const kept = this.#kept;
      let length = 0;
      if (keep === null) {
        for (let p = start; p < end; p++) kept[length++] = ids[p]!;
      } else {
        for (let p = start; p < end; p++) {
          const id = ids[p]!;
          const t = keep[id]!;
          if (t !== KEEP_ALWAYS) {
            if (rp === RANDOM_BLOCK) {
              this.#randomPos = rp;
              this.#refill();
              rp = 0;
            }
            if ((random[rp++]! >>> 1) >= t) continue;
          }
          kept[length++] = id;
        }
      }
      if (length === 0) continue;
      if (this.#selfPairs) {
        // A session of one repeated account teaches nothing: no self-pairs.
        const first = kept[0]!;
        let k = 1;
        while (k < length && kept[k] === first) k++;
        const g = global === null ? -1 : global[s]!;
        if (k === length && (g < 0 || g === first)) continue;
      }
      this.#globalId = global === null ? -1 : global[s]!;
      this.#keptLength = length;
      if (sampler.usesSession) sampler.beginSession(ids, start, end);
      this.#randomPos = rp;
      return length;
    }
    this.#randomPos = rp;
    this.#keptLength = 0;
    return 0;
  }

  /**
   * The stream's random state (generator words, the block of drawn numbers
   * and the position in it), to checkpoint a run between epochs.
   *
   * @returns A copy of the state.
   */
  randomState(): Int32Array {
    const own = 5 + RANDOM_BLOCK;
    const sampler = this.#sampler.randomState?.() ?? new Int32Array(0);
    const state = new Int32Array(own + sampler.length);
    state.set(this.#state, 0);
    state[4] = this.#randomPos;
    state.set(this.#random, 5);
    state.set(sampler, own);
    return state;
  }

  /**
   * Restores a state returned by {@linkcode PairStream.randomState}.
   *
   * @param state The saved state.
   */
  setRandomState(state: Int32Array): void {
    const own = 5 + RANDOM_BLOCK;
    const samplerWords = this.#sampler.randomState?.().length ?? 0;
    if (state.length !== own + samplerWords) {
      throw new TypeError(
        `Cannot restore pair stream state: expected ${
          own + samplerWords
        } words, got ${state.length}`,
      );
    }
    const pos = state[4]!;
    if (pos < 0 || pos > RANDOM_BLOCK) {
      throw new RangeError(
        `Cannot restore pair stream state: position ${pos} is out of range`,
      );
    }
    this.#state.set(state.subarray(0, 4));
    this.#randomPos = pos;
    this.#random.set(state.subarray(5, own));
    if (samplerWords > 0) this.#sampler.setRandomState!(state.subarray(own));
  }

  /** Fills the random block from the xoshiro128** state. */
  #refill(): void {
    fillXoshiroBlock(this.#state, this.#random);
    this.#randomPos = 0;
  }
}

/**
 * Number of ordered (center, context) pairs a fixed window of reach `window`
 * yields on a session of `sessionLength` distinct accounts.
 *
 * @param sessionLength Tokens in the session.
 * @param window The reach each side.
 * @returns `2·(m·L − m·(m+1)/2)` with `m = min(window, L − 1)`.
 *
 * @example
 * ```ts
 * import { countFixedWindowPairs } from "./pairs.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(countFixedWindowPairs(3, 1), 4);
 * assert.equal(countFixedWindowPairs(4, 10), 12);
 * assert.equal(countFixedWindowPairs(1, 5), 0);
 * ```
 */
export function countFixedWindowPairs(
  sessionLength: number,
  window: number,
): number {
  if (!Number.isInteger(sessionLength) || sessionLength < 0) {
    throw new RangeError(
      `Cannot count pairs: sessionLength must be an integer >= 0, got ${sessionLength}`,
    );
  }
  if (!Number.isInteger(window) || window < 0) {
    throw new RangeError(
      `Cannot count pairs: window must be an integer >= 0, got ${window}`,
    );
  }
  if (sessionLength === 0) return 0;
  const m = Math.min(window, sessionLength - 1);
  return 2 * (m * sessionLength - (m * (m + 1)) / 2);
}

/** Keep thresholds (probability · 2^31) per id, word2vec's formula. */
function keepThresholds(counts: Float64Array, sample: number): Int32Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const st = sample * total;
  const out = new Int32Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const f = counts[i]!;
    const p = f > 0 ? (Math.sqrt(f / st) + 1) * st / f : 1;
    out[i] = p >= 1 ? KEEP_ALWAYS : Math.floor(p * TWO_POW_31);
  }
  return out;
}
