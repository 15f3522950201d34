/**
 * Hyperparameter search for session embeddings: seeded random search or
 * successive halving, scored by next-item HitRate@k on a time split.
 *
 * Reference: Bergstra and Bengio, "Random Search for Hyper-Parameter
 * Optimization" (JMLR 2012); Jamieson and Talwalkar, "Non-stochastic Best Arm
 * Identification and Hyperparameter Optimization" (AISTATS 2016) for
 * successive halving; the search space follows Caselles-Dupré et al.,
 * "Word2vec applied to Recommendation: Hyperparameters Matter" (RecSys 2018).
 * Where we differ: the resource halving spends is the number of epochs, as a
 * share of each configuration's own epoch count.
 *
 * @module
 */

import { evaluate } from "./evaluate.ts";
import type { Model } from "./model.ts";
import { Prng } from "./prng.ts";
import type { Session } from "./records.ts";
import { splitByTime } from "./split.ts";
import { trainSync } from "./train.ts";
import type { TrainOptions } from "./train_options.ts";
import type { WindowMode } from "./pairs.ts";

/**
 * Default number of configurations tried.
 *
 * @example
 * ```ts
 * import { DEFAULT_TUNE_BUDGET, tune } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * assert.equal(tune(sessions, { trainer }).trials.length, DEFAULT_TUNE_BUDGET);
 * assert.equal(seen.length, 20);
 * ```
 */
export const DEFAULT_TUNE_BUDGET = 20;
/**
 * Default cut-off of the validation metric.
 *
 * @example
 * ```ts
 * import { DEFAULT_TUNE_K, tune } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * assert.equal(tune(sessions, { budget: 1, trainer }).k, DEFAULT_TUNE_K);
 * ```
 */
export const DEFAULT_TUNE_K = 20;
/**
 * Successive halving keeps the best `1 / HALVING_RATE` of each rung.
 *
 * @example Nine configurations: rungs of 9, 3 and 1
 * ```ts
 * import { HALVING_RATE, tune } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * const result = tune(sessions, { budget: 9, strategy: "halving", trainer, space: { epochs: [90, 90] } });
 * const perRung = [0, 1, 2].map((r) => result.trials.filter((t) => t.rung === r).length);
 * assert.deepEqual(perRung, [9, 9 / HALVING_RATE, 1]);
 * // Early rungs train a share of the epochs: 1/9, then 1/3, then all.
 * assert.deepEqual([0, 1, 2].map((r) => result.trials.find((t) => t.rung === r)!.epochsTrained), [10, 30, 90]);
 * ```
 */
export const HALVING_RATE = 3;
/** `nsExponent` values are rounded to this step. */
const EXPONENT_STEP = 0.05;

/**
 * The ranges searched. Integer ranges are inclusive.
 *
 * @example Every drawn configuration lies in the space
 * ```ts
 * import { tune, type TuneSpace } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * const space: TuneSpace = {
 *   window: [2, 4],
 *   epochs: [5, 10],
 *   nsExponent: [0.5, 1],
 *   sample: [0, 1e-3],
 *   negatives: [1, 2],
 *   windowMode: ["fixed"],
 * };
 * for (const { options: o } of tune(sessions, { budget: 8, space, trainer }).trials) {
 *   assert.ok(o.window >= 2 && o.window <= 4 && o.epochs >= 5 && o.epochs <= 10);
 *   assert.ok(o.nsExponent >= 0.5 && o.nsExponent <= 1 && [0, 1e-3].includes(o.sample));
 *   assert.ok(o.negatives >= 1 && o.negatives <= 2 && o.windowMode === "fixed");
 * }
 * ```
 */
export interface TuneSpace {
  /** Window radius range. Default `[1, 10]`. */
  window: readonly [number, number];
  /** Epoch range, sampled log-uniformly. Default `[5, 150]`. */
  epochs: readonly [number, number];
  /** Negative-distribution exponent range, rounded to 0.05. Default `[-1, 1]`. */
  nsExponent: readonly [number, number];
  /** Subsampling thresholds to choose from. Default `[0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]`. */
  sample: readonly number[];
  /** Negatives range, capped at the number of training accounts − 2. Default `[5, 20]`. */
  negatives: readonly [number, number];
  /** Window modes to choose from. Default all three. */
  windowMode: readonly WindowMode[];
}

/**
 * The default search space.
 *
 * @example
 * ```ts
 * import { DEFAULT_TUNE_SPACE, tune } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * for (const { options: o } of tune(sessions, { budget: 10, trainer }).trials) {
 *   const [lo, hi] = DEFAULT_TUNE_SPACE.window;
 *   assert.ok(o.window >= lo && o.window <= hi);
 *   assert.ok(DEFAULT_TUNE_SPACE.sample.includes(o.sample));
 *   assert.ok(DEFAULT_TUNE_SPACE.windowMode.includes(o.windowMode));
 *   assert.ok(o.negatives <= 5 - 2); // capped below the five accounts
 * }
 * ```
 */
export const DEFAULT_TUNE_SPACE: TuneSpace = {
  window: [1, 10],
  epochs: [5, 150],
  nsExponent: [-1, 1],
  sample: [0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2],
  negatives: [5, 20],
  windowMode: ["shrinking", "fixed", "session"],
};

/**
 * The hyperparameters the tuner chooses.
 *
 * @example Try a known configuration first
 * ```ts
 * import { tune, type TunedOptions } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * const preset: TunedOptions = { window: 3, windowMode: "shrinking", epochs: 30, nsExponent: 0.75, sample: 1e-4, negatives: 5 };
 * const result = tune(sessions, { budget: 3, start: [preset], trainer });
 * assert.deepEqual(result.trials[0]!.options, { ...preset, negatives: 3 }); // capped below the five accounts
 * assert.equal(seen[0]!.window, 3);
 * ```
 */
export type TunedOptions = Required<
  Pick<
    TrainOptions,
    "window" | "windowMode" | "epochs" | "nsExponent" | "sample" | "negatives"
  >
>;

/**
 * Options of {@linkcode tune}.
 *
 * @example
 * ```ts
 * import { tune, type TuneOptions } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * const progress: string[] = [];
 * const options: TuneOptions = {
 *   budget: 4,
 *   strategy: "random",
 *   sample: 0.5,
 *   validationFraction: 0.25,
 *   k: 2,
 *   seed: 9,
 *   base: { dim: 16, minCount: 1 },
 *   space: { windowMode: ["session"] },
 *   onTrial: (trial, done, total) => progress.push(`${trial.id} ${done}/${total}`),
 *   trainer,
 * };
 * const result = tune(sessions, options);
 * assert.deepEqual(progress, ["0 1/4", "1 2/4", "2 3/4", "3 4/4"]);
 * assert.ok(seen.every((o) => o.dim === 16 && o.seed === 9 && o.windowMode === "session"));
 * assert.ok(result.trainSessions + result.validationSessions < 40);
 * ```
 */
export interface TuneOptions {
  /** Configurations tried. Default `20`. */
  budget?: number;
  /** `"random"` trains every configuration fully; `"halving"` trains all briefly and the best longer. Default `"random"`. */
  strategy?: "random" | "halving";
  /** Share of the sessions used (a seeded subset, order kept), in `(0, 1]`. Default `1`. */
  sample?: number;
  /** Share of the (sampled) sessions held out, the last ones, for validation. Default `0.1`. */
  validationFraction?: number;
  /** Cut-off of HitRate and MRR. Default `20`. */
  k?: number;
  /** Seed of the search and of every training run. Default `1`. */
  seed?: number;
  /** Training options kept fixed (dim, lr, sampler, minCount…). Default none. */
  base?: TrainOptions;
  /** Overrides of the search ranges. Default {@linkcode DEFAULT_TUNE_SPACE}. */
  space?: Partial<TuneSpace>;
  /**
   * Configurations tried first, e.g. the sessions preset, so the search
   * reports how they compare; they count towards `budget` and their
   * negatives are capped like drawn ones. Default none.
   */
  start?: readonly TunedOptions[];
  /** Called after each trial. Default none. */
  onTrial?: (trial: TuneTrial, done: number, total: number) => void;
  /** The training function. Default `trainSync`. */
  trainer?: (
    sessions: readonly (readonly string[])[],
    options: TrainOptions,
  ) => Model;
}

/**
 * One trained and scored configuration.
 *
 * @example
 * ```ts
 * import { tune, type TuneTrial } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * const [trial]: TuneTrial[] = tune(sessions, { budget: 1, trainer, space: { epochs: [7, 7] } }).trials;
 * assert.equal(trial!.id, 0);
 * assert.equal(trial!.rung, 0);
 * assert.equal(trial!.epochsTrained, 7);
 * assert.ok(trial!.hitRate >= 0 && trial!.hitRate <= 1 && trial!.mrr <= trial!.hitRate);
 * assert.ok(trial!.seconds >= 0);
 * ```
 */
export interface TuneTrial {
  /** Index of the configuration in draw order. */
  id: number;
  /** The tuned hyperparameters (at full resource). */
  options: TunedOptions;
  /** Epochs actually trained in this trial (fewer on early halving rungs). */
  epochsTrained: number;
  /** Halving rung, 0 first; always 0 with random search. */
  rung: number;
  /** Validation HitRate@k. */
  hitRate: number;
  /** Validation MRR@k. */
  mrr: number;
  /** Seconds to train and evaluate. */
  seconds: number;
}

/**
 * The result of {@linkcode tune}.
 *
 * @example
 * ```ts
 * import { tune, type TuneResult } from "./tune.ts";
 * import { Model } from "./model.ts";
 * import type { TrainOptions } from "./train_options.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const ids = ["a0", "a1", "a2", "a3", "a4"];
 * const sessions = Array.from({ length: 40 }, (_, i) => [ids[i % 5]!, ids[(i + 1) % 5]!]);
 * // A stand-in trainer: records the options it is given and returns a fixed model.
 * const model = new Model({
 *   vocab: new Vocabulary(ids, [1, 1, 1, 1, 1]), dim: 2,
 *   input: Float32Array.from(ids.flatMap((_, i) => [Math.cos(i), Math.sin(i)])),
 * });
 * const seen: TrainOptions[] = [];
 * function trainer(_sessions: readonly (readonly string[])[], options: TrainOptions): Model {
 *   seen.push(options);
 *   return model;
 * }
 * const result: TuneResult = tune(sessions, { budget: 3, validationFraction: 0.1, trainer });
 * assert.equal(result.trainSessions, 36);
 * assert.equal(result.validationSessions, 4);
 * assert.ok(result.trials.includes(result.best));
 * // One fixed model scores every configuration alike: the earliest wins.
 * assert.equal(result.best.id, 0);
 * ```
 */
export interface TuneResult {
  /** The best full-resource trial: highest HitRate@k, then MRR@k, then earliest. */
  best: TuneTrial;
  /** Every trial, in run order. */
  trials: TuneTrial[];
  /** The cut-off used. */
  k: number;
  /** Sessions trained on. */
  trainSessions: number;
  /** Sessions validated on. */
  validationSessions: number;
}

/**
 * Searches window, window mode, epochs, negatives, `nsExponent` and `sample`.
 *
 * The sessions (optionally a seeded `sample` share of them, order kept) are
 * split by time: the last `validationFraction` are the validation set, scored
 * with {@linkcode evaluate} (query = second-to-last item, HitRate@k and
 * MRR@k). Configurations are drawn from the space with a {@linkcode Prng}
 * seeded by `seed`, and every run trains with that same seed, so a search is
 * reproducible; `start` configurations come before the drawn ones. With
 * `"halving"`, all configurations are first trained with
 * `1 / 3^r` of their epochs, the best third moves on to the next rung, and
 * only the last rung trains the full epochs; the best is chosen there.
 *
 * @param sessions Sessions in time order.
 * @param options Budget, strategy, sample, fixed options and search space.
 * @returns The best trial and all trials.
 * @throws {RangeError} When an option is out of range or too few sessions remain to split.
 *
 * @example
 * ```ts
 * import { tune } from "./tune.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = Array.from({ length: 60 }, (_, i) => [`a${i % 4}`, `a${(i + 1) % 4}`, `b${i % 3}`]);
 * const result = tune(sessions, { budget: 2, base: { dim: 8 }, space: { epochs: [1, 2] } });
 * assert.equal(result.trials.length, 2);
 * assert.ok(result.trials.every((t) => t.hitRate <= result.best.hitRate));
 * ```
 */
export function tune(
  sessions: Iterable<readonly string[] | Session>,
  options: TuneOptions = {},
): TuneResult {
  const budget = options.budget ?? DEFAULT_TUNE_BUDGET;
  const strategy = options.strategy ?? "random";
  const share = options.sample ?? 1;
  const validationFraction = options.validationFraction ?? 0.1;
  const k = options.k ?? DEFAULT_TUNE_K;
  const seed = options.seed ?? 1;
  const space = resolveSpace(options.space ?? {});
  const trainer = options.trainer ?? defaultTrainer;
  if (!Number.isInteger(budget) || budget < 1) {
    throw new RangeError(
      `Cannot tune: budget must be a positive integer, got ${budget}`,
    );
  }
  if (strategy !== "random" && strategy !== "halving") {
    throw new RangeError(
      `Cannot tune: strategy must be "random" or "halving", got "${strategy}"`,
    );
  }
  if (!(share > 0 && share <= 1)) {
    throw new RangeError(`Cannot tune: sample must be in (0, 1], got ${share}`);
  }
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(
      `Cannot tune: validationFraction must be in (0, 1), got ${validationFraction}`,
    );
  }
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(`Cannot tune: k must be a positive integer, got ${k}`);
  }

  const prng = new Prng(seed);
  const all: string[][] = [];
  for (const session of sessions) {
    const accounts = Array.isArray(session)
      ? session as readonly string[]
      : (session as Session).accounts;
    if (share === 1 || prng.random() < share) all.push([...accounts]);
  }
  const { train, test } = splitByTime(all, {
    testFraction: validationFraction,
  });
  if (train.length === 0 || test.length === 0) {
    throw new RangeError(
      `Cannot tune: ${all.length} sessions are too few to hold out a validation set`,
    );
  }

  // Negatives must leave room besides the center in a small vocabulary.
  const accounts = new Set<string>();
  for (const session of train) for (const a of session) accounts.add(a);
  const maxNegatives = Math.max(1, accounts.size - 2);
  const [negLo, negHi] = space.negatives;
  const bounded: TuneSpace = {
    ...space,
    negatives: [Math.min(negLo, maxNegatives), Math.min(negHi, maxNegatives)],
  };
  const configs: TunedOptions[] = (options.start ?? []).slice(0, budget).map(
    (c) => ({ ...c, negatives: Math.min(c.negatives, maxNegatives) }),
  );
  while (configs.length < budget) configs.push(drawConfig(prng, bounded));

  const trials: TuneTrial[] = [];
  const rungs = strategy === "halving" ? halvingRungs(budget) : 1;
  const total = tuneTrialCount(budget, strategy);
  let alive = configs.map((_, i) => i);
  let finalists: TuneTrial[] = [];
  for (let rung = 0; rung < rungs; rung++) {
    const factor = HALVING_RATE ** (rung - (rungs - 1));
    const scored: TuneTrial[] = [];
    for (const id of alive) {
      const config = configs[id]!;
      const epochsTrained = Math.max(1, Math.round(config.epochs * factor));
      const start = performance.now();
      const model = trainer(train, {
        ...options.base,
        ...config,
        epochs: epochsTrained,
        seed,
      });
      const report = evaluate(model, test, { k: [k] });
      const metrics = report.metrics[0]!;
      const trial: TuneTrial = {
        id,
        options: config,
        epochsTrained,
        rung,
        hitRate: metrics.hitRate,
        mrr: metrics.mrr,
        seconds: (performance.now() - start) / 1000,
      };
      trials.push(trial);
      scored.push(trial);
      options.onTrial?.(trial, trials.length, total);
    }
    scored.sort(compareTrials);
    finalists = scored;
    alive = scored
      .slice(0, Math.max(1, Math.ceil(scored.length / HALVING_RATE)))
      .map((t) => t.id);
  }
  return {
    best: finalists[0]!,
    trials,
    k,
    trainSessions: train.length,
    validationSessions: test.length,
  };
}

/**
 * How many trials {@linkcode tune} runs: `budget` with random search; with
 * halving, every rung's survivors summed (`budget`, then a third of it rounded
 * up, and so on down to one).
 *
 * @param budget Configurations tried, a positive integer.
 * @param strategy The search strategy.
 * @returns The number of training runs.
 *
 * @example
 * ```ts
 * import { tuneTrialCount } from "./tune.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tuneTrialCount(12, "random"), 12);
 * assert.equal(tuneTrialCount(12, "halving"), 12 + 4 + 2 + 1);
 * ```
 */
export function tuneTrialCount(
  budget: number,
  strategy: "random" | "halving" = "random",
): number {
  return strategy === "halving"
    ? halvingTrialCount(budget, halvingRungs(budget))
    : budget;
}

function defaultTrainer(
  sessions: readonly (readonly string[])[],
  options: TrainOptions,
): Model {
  return trainSync(sessions, options);
}

/** Best first: higher HitRate, then higher MRR, then earlier id. */
function compareTrials(a: TuneTrial, b: TuneTrial): number {
  return b.hitRate - a.hitRate || b.mrr - a.mrr || a.id - b.id;
}

/** Rungs so that the last one holds a single configuration. */
function halvingRungs(budget: number): number {
  let rungs = 1;
  let n = budget;
  while (n > 1) {
    n = Math.ceil(n / HALVING_RATE);
    rungs++;
  }
  return rungs;
}

function halvingTrialCount(budget: number, rungs: number): number {
  let total = 0;
  let n = budget;
  for (let r = 0; r < rungs; r++) {
    total += n;
    n = Math.max(1, Math.ceil(n / HALVING_RATE));
  }
  return total;
}

function drawConfig(prng: Prng, space: TuneSpace): TunedOptions {
  const [eLo, eHi] = space.epochs;
  const epochs = Math.round(
    Math.exp(Math.log(eLo) + prng.random() * (Math.log(eHi) - Math.log(eLo))),
  );
  const [aLo, aHi] = space.nsExponent;
  const exponent =
    Math.round((aLo + prng.random() * (aHi - aLo)) / EXPONENT_STEP) *
    EXPONENT_STEP;
  return {
    window: integerIn(prng, space.window),
    windowMode: space.windowMode[prng.int(space.windowMode.length)]!,
    epochs: Math.min(eHi, Math.max(eLo, epochs)),
    nsExponent: Number(Math.min(aHi, Math.max(aLo, exponent)).toFixed(2)),
    sample: space.sample[prng.int(space.sample.length)]!,
    negatives: integerIn(prng, space.negatives),
  };
}

function integerIn(prng: Prng, range: readonly [number, number]): number {
  return range[0] + prng.int(range[1] - range[0] + 1);
}

function resolveSpace(overrides: Partial<TuneSpace>): TuneSpace {
  const space = { ...DEFAULT_TUNE_SPACE, ...overrides };
  for (const name of ["window", "epochs", "negatives"] as const) {
    const [lo, hi] = space[name];
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) {
      throw new RangeError(
        `Cannot tune: ${name} range must be integers 1 <= min <= max, got [${lo}, ${hi}]`,
      );
    }
  }
  const [aLo, aHi] = space.nsExponent;
  if (!(Number.isFinite(aLo) && Number.isFinite(aHi) && aLo <= aHi)) {
    throw new RangeError(
      `Cannot tune: nsExponent range must be finite with min <= max, got [${aLo}, ${aHi}]`,
    );
  }
  if (space.sample.length === 0 || space.windowMode.length === 0) {
    throw new RangeError(
      "Cannot tune: sample and windowMode must offer at least one choice",
    );
  }
  return space;
}
