/**
 * Training hyperparameters: their defaults and their validation.
 *
 * Every option is checked before any work starts, so a bad value fails at
 * once with the value in the message.
 *
 * @module
 */

import type { WindowMode } from "./pairs.ts";
import type { SamplerName } from "./samplers.ts";
/** The optimiser. */
export type OptimizerName = "sgd" | "adam";

/** Named sets of defaults. */
export type PresetName = "word2vec" | "sessions";

/**
 * Defaults that the `"sessions"` preset changes: a smaller window, stronger
 * subsampling of popular accounts, many more epochs. Chosen on Yoochoose,
 * Diginetica and MovieLens (`deno task bench:quality`, docs/quality.md): it
 * beats word2vec's and gensim's defaults on all three, and no single change
 * of window (1–8), sample (0–1e-3), epochs (5–100), negatives or exponent
 * does better on all three. Subsampling and epochs go together: `1e-4` keeps
 * few tokens per pass and 30 passes make up for it; stronger subsampling or
 * fewer epochs undertrain.
 */
export const SESSION_PRESET: Readonly<TrainOptions> = {
  window: 3,
  sample: 1e-4,
  epochs: 30,
};

/** Options of `train()`. Every field is optional; defaults are listed. */
export interface TrainOptions {
  /**
   * `"word2vec"`: the word2vec tool's defaults listed below. `"sessions"`:
   * those with {@linkcode SESSION_PRESET} on top, the recommended start for
   * session data. Options given explicitly win over either. Default
   * `"word2vec"`.
   */
  preset?: PresetName;
  /** Vector dimension. Default `100`. */
  dim?: number;
  /** Context window radius. Default `5`. */
  window?: number;
  /** `"shrinking"` (word2vec: radius drawn from 1..window per center), `"fixed"` (every offset up to window), or `"session"` (every other account of the session). Default `"shrinking"`. */
  windowMode?: WindowMode;
  /** Negatives per positive pair. Default `5`. */
  negatives?: number;
  /** Passes over the sessions. Default `5`. */
  epochs?: number;
  /** Starting learning rate. Default `0.025` for SGD (decays linearly to `lr × 1e-4`), `0.01` for Adam (constant). */
  lr?: number;
  /** Drop accounts seen fewer times. Default `1`. */
  minCount?: number;
  /** Keep at most this many accounts. Default unlimited. */
  maxVocab?: number;
  /** Subsampling threshold of frequent accounts (word2vec's `sample`); `0` disables. Default `1e-3`. */
  sample?: number;
  /** Negative sampler. Default `"unigram"`. */
  sampler?: SamplerName;
  /** Exponent α of the unigram (and hard) negative distribution, count^α; may be negative. Default `0.75`. */
  nsExponent?: number;
  /** With `sampler: "mixed"`, the share of hard negatives. Default `0.5`. */
  hardFraction?: number;
  /** `"sgd"` (word2vec) or `"adam"` (per-row state). Default `"sgd"`. */
  optimizer?: OptimizerName;
  /** Random seed. Default `1`. */
  seed?: number;
  /**
   * Worker threads; `1` is deterministic and works everywhere. With more, the
   * Workers update the matrices lock-free (Hogwild), and with the unigram or
   * uniform sampler each draws its negatives from its own part of the
   * vocabulary, the parts rotating every epoch. Default `1`.
   */
  threads?: number;
  /** Pairs per kernel call. Default `8192`. */
  batchPairs?: number;
  /** Train an account against its own repeats in the window, as word2vec does (a session of one repeated account never gives pairs). Default `true`. */
  selfPairs?: boolean;
}

/** Fully resolved hyperparameters, as stored with a model. */
export type TrainParams = Required<Omit<TrainOptions, "maxVocab">> & {
  maxVocab: number;
};

/** Default learning rate of SGD. */
export const DEFAULT_SGD_LR = 0.025;
/** Default learning rate of Adam (the reference notebook's). */
export const DEFAULT_ADAM_LR = 0.01;
/** Largest vector dimension accepted. */
export const MAX_DIM = 4096;

const WINDOW_MODES: readonly WindowMode[] = ["fixed", "shrinking", "session"];
const SAMPLERS: readonly SamplerName[] = [
  "uniform",
  "unigram",
  "hard",
  "mixed",
];
const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "adam"];

/**
 * Fills in defaults and validates every option.
 *
 * @param options The caller's options.
 * @returns The resolved parameters.
 * @throws {RangeError} When a value is out of range or a name is unknown.
 *
 * @example
 * ```ts
 * import { resolveTrainOptions } from "./train_options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveTrainOptions({}).dim, 100);
 * assert.equal(resolveTrainOptions({ preset: "sessions" }).window, 3);
 * assert.equal(resolveTrainOptions({ preset: "sessions", window: 7 }).window, 7);
 * assert.equal(resolveTrainOptions({ optimizer: "adam" }).lr, 0.01);
 * assert.throws(() => resolveTrainOptions({ window: 0 }), RangeError);
 * ```
 */
export function resolveTrainOptions(given: TrainOptions = {}): TrainParams {
  const preset = given.preset ?? "word2vec";
  if (preset !== "word2vec" && preset !== "sessions") {
    throw new RangeError(
      `Cannot train: unknown preset "${preset}", expected one of word2vec, sessions`,
    );
  }
  const options: TrainOptions = preset === "sessions"
    ? { ...SESSION_PRESET, ...definedOnly(given) }
    : given;
  const optimizer = options.optimizer ?? "sgd";
  const p: TrainParams = {
    preset,
    dim: options.dim ?? 100,
    window: options.window ?? 5,
    windowMode: options.windowMode ?? "shrinking",
    negatives: options.negatives ?? 5,
    epochs: options.epochs ?? 5,
    lr: options.lr ?? (optimizer === "adam" ? DEFAULT_ADAM_LR : DEFAULT_SGD_LR),
    minCount: options.minCount ?? 1,
    maxVocab: options.maxVocab ?? Number.MAX_SAFE_INTEGER,
    sample: options.sample ?? 1e-3,
    sampler: options.sampler ?? "unigram",
    nsExponent: options.nsExponent ?? 0.75,
    hardFraction: options.hardFraction ?? 0.5,
    optimizer,
    seed: options.seed ?? 1,
    threads: options.threads ?? 1,
    batchPairs: options.batchPairs ?? 8192,
    selfPairs: options.selfPairs ?? true,
  };
  integer("dim", p.dim, 1, MAX_DIM);
  integer("window", p.window, 1, 10_000);
  integer("negatives", p.negatives, 0, 1000);
  integer("epochs", p.epochs, 1, 1_000_000);
  integer("minCount", p.minCount, 1, Number.MAX_SAFE_INTEGER);
  integer("maxVocab", p.maxVocab, 1, Number.MAX_SAFE_INTEGER);
  integer("threads", p.threads, 1, 256);
  integer("batchPairs", p.batchPairs, 1, 1 << 20);
  integer("seed", p.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  real("lr", p.lr, 0, 10, false);
  real("sample", p.sample, 0, 1, true);
  real("nsExponent", p.nsExponent, -10, 10, true);
  real("hardFraction", p.hardFraction, 0, 1, true);
  oneOf("windowMode", p.windowMode, WINDOW_MODES);
  oneOf("sampler", p.sampler, SAMPLERS);
  oneOf("optimizer", p.optimizer, OPTIMIZERS);
  if (typeof p.selfPairs !== "boolean") {
    throw new RangeError(
      `Cannot train: selfPairs must be true or false, got ${p.selfPairs}`,
    );
  }
  return p;
}

function definedOnly(options: TrainOptions): TrainOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) out[key] = value;
  }
  return out as TrainOptions;
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot train: ${name} must be an integer in [${min}, ${max}], got ${value}`,
    );
  }
}

function real(
  name: string,
  value: number,
  min: number,
  max: number,
  minOk: boolean,
): void {
  const ok = Number.isFinite(value) && (minOk ? value >= min : value > min) &&
    value <= max;
  if (!ok) {
    throw new RangeError(
      `Cannot train: ${name} must be a number in ${
        minOk ? "[" : "("
      }${min}, ${max}], got ${value}`,
    );
  }
}

function oneOf<T extends string>(
  name: string,
  value: T,
  valid: readonly T[],
): void {
  if (!valid.includes(value)) {
    throw new RangeError(
      `Cannot train: unknown ${name} "${value}", expected one of ${
        valid.join(", ")
      }`,
    );
  }
}
