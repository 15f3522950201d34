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

/** Default number of configurations tried. */
export const DEFAULT_TUNE_BUDGET = 20;
/** Default cut-off of the validation metric. */
export const DEFAULT_TUNE_K = 20;
/** Successive halving keeps the best `1 / HALVING_RATE` of each rung. */
export const HALVING_RATE = 3;
/** `nsExponent` values are rounded to this step. */
const EXPONENT_STEP = 0.05;

/** The ranges searched. Integer ranges are inclusive. */
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

/** The default search space. */
export const DEFAULT_TUNE_SPACE: TuneSpace = {
  window: [1, 10],
  epochs: [5, 150],
  nsExponent: [-1, 1],
  sample: [0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2],
  negatives: [5, 20],
  windowMode: ["shrinking", "fixed", "session"],
};

/** The hyperparameters the tuner chooses. */
export type TunedOptions = Required<
  Pick<
    TrainOptions,
    "window" | "windowMode" | "epochs" | "nsExponent" | "sample" | "negatives"
  >
>;

/** Options of {@linkcode tune}. */
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
  /** Called after each trial. Default none. */
  onTrial?: (trial: TuneTrial, done: number, total: number) => void;
  /** The training function. Default `trainSync`. */
  trainer?: (
    sessions: readonly (readonly string[])[],
    options: TrainOptions,
  ) => Model;
}

/** One trained and scored configuration. */
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

/** The result of {@linkcode tune}. */
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
 * reproducible. With `"halving"`, all configurations are first trained with
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
  const configs: TunedOptions[] = [];
  for (let i = 0; i < budget; i++) configs.push(drawConfig(prng, bounded));

  const trials: TuneTrial[] = [];
  const rungs = strategy === "halving" ? halvingRungs(budget) : 1;
  const total = strategy === "halving"
    ? halvingTrialCount(budget, rungs)
    : budget;
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
