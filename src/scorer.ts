/**
 * The PostScorer: a small multilayer perceptron that predicts P(like),
 * P(save) and P(hide) of a post for a user from account embeddings.
 *
 * What: features per (user, post) are the author's embedding, the user's seed
 * vector (the mean embedding of their recent accounts), their elementwise
 * product, their cosine, and post features (appeal, isVideo, log age in
 * days); they are standardised with the training set's mean and standard
 * deviation, then fed to input → hidden (ReLU) → 3 sigmoid outputs, trained
 * with binary cross-entropy summed over the three actions, mini-batch Adam,
 * He-initialised weights from a seeded {@linkcode Prng}, and early stopping
 * on a held-out split. Quality is reported as validation AUC per action.
 *
 * Reference: the `PostScorer` of the reference notebook (embedding → 32 ReLU
 * → 3 sigmoid). Where we differ: the notebook used it with random weights and
 * only the account embedding as input; here it is trained on interaction logs,
 * sees the user as well as the author, and reports its quality against a
 * random baseline.
 *
 * @module
 */

import { Prng } from "./prng.ts";
import type { ActionScores } from "./rank.ts";
import type { Model } from "./model.ts";
import type { Interaction, Post, Session } from "./records.ts";
import { chronological } from "./_sessions.ts";

/**
 * Labels of one exposure: what the user did.
 *
 * @example Labels come from interactions
 * ```ts
 * import { buildScorerExamples, type ScorerLabels } from "./scorer.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 2, input: Float32Array.of(1, 0, 0, 1) });
 * const [example] = buildScorerExamples(model, {
 *   sessions: [{ user: "u1", accounts: ["a"] }],
 *   posts: [{ postId: "p1", account: "b" }],
 *   interactions: [{ user: "u1", postId: "p1", liked: false, saved: false, hidden: true }],
 * });
 * const labels: ScorerLabels = { liked: false, saved: false, hidden: true };
 * assert.deepEqual(example!.labels, labels);
 * ```
 */
export interface ScorerLabels {
  /** Whether the user liked the post. */
  liked: boolean;
  /** Whether the user saved the post. */
  saved: boolean;
  /** Whether the user hid the post. */
  hidden: boolean;
}

/**
 * One (user, post) pair for the scorer.
 *
 * @example Predicting needs no labels
 * ```ts
 * import { PostScorer, type ScorerExample } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * const example: ScorerExample = {
 *   userVector: Float32Array.of(0.2, 0.9),
 *   accountVector: Float32Array.of(0.1, 1),
 *   post: { postId: "p1", account: "meowworld", ts: 0, features: { appeal: 0.8, isVideo: 1 } },
 *   now: 3 * 86_400,
 * };
 * const p = new PostScorer({ dim: 2 }).predict(example);
 * for (const x of [p.like, p.save, p.hide]) assert.ok(x > 0 && x < 1);
 * ```
 */
export interface ScorerExample {
  /** The user's seed vector (mean embedding of their recent accounts). */
  userVector: Float32Array;
  /** The author's embedding. */
  accountVector: Float32Array;
  /** The post (its `features.appeal`, `features.isVideo` and `ts` are used when present). */
  post: Post;
  /** Time of the exposure, seconds since the epoch, for the post's age. Default: age unknown (0). */
  now?: number;
  /** The user id, when known. */
  user?: string;
  /** What the user did; required for training. */
  labels?: ScorerLabels;
}

/**
 * Options of {@linkcode PostScorer.train}.
 *
 * @example
 * ```ts
 * import { PostScorer, type ScorerTrainOptions } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * // Users like posts whose author points the same way as they do.
 * const examples = Array.from({ length: 200 }, (_, i) => {
 *   const u = i % 2 === 0 ? 1 : -1;
 *   const a = i % 4 < 2 ? 1 : -1;
 *   return {
 *     userVector: Float32Array.of(u, 0.5),
 *     accountVector: Float32Array.of(a, 0.5),
 *     post: { postId: `p${i}`, account: a > 0 ? "x" : "y" },
 *     labels: { liked: u === a, saved: u === a && i % 3 === 0, hidden: u !== a && i % 3 === 0 },
 *   };
 * });
 * const options: ScorerTrainOptions = {
 *   hidden: 8, epochs: 4, lr: 0.02, batchSize: 32, validationFraction: 0.25, patience: 1, l2: 0, seed: 2,
 * };
 * const { scorer, report } = PostScorer.train(examples, options);
 * assert.equal(scorer.hidden, 8);
 * assert.equal(report.validationExamples, 50);
 * assert.ok(report.epochs <= 4);
 * ```
 */
export interface ScorerTrainOptions {
  /** Hidden units. Default `32`. */
  hidden?: number;
  /** Most passes over the training split. Default `10`. */
  epochs?: number;
  /** Adam learning rate. Default `0.01`. */
  lr?: number;
  /** Examples per step. Default `64`. */
  batchSize?: number;
  /** Share of examples held out for early stopping and the report. Default `0.2`. */
  validationFraction?: number;
  /** Epochs without validation improvement before stopping. Default `2`. */
  patience?: number;
  /** L2 weight decay on the weights (not biases). Default `1e-4`. */
  l2?: number;
  /** Random seed (initial weights, split, batch order). Default `1`. */
  seed?: number;
}

/**
 * Quality of a trained scorer, measured on the validation split.
 *
 * @example
 * ```ts
 * import { PostScorer, type ScorerReport } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * // Users like posts whose author points the same way as they do.
 * const examples = Array.from({ length: 200 }, (_, i) => {
 *   const u = i % 2 === 0 ? 1 : -1;
 *   const a = i % 4 < 2 ? 1 : -1;
 *   return {
 *     userVector: Float32Array.of(u, 0.5),
 *     accountVector: Float32Array.of(a, 0.5),
 *     post: { postId: `p${i}`, account: a > 0 ? "x" : "y" },
 *     labels: { liked: u === a, saved: u === a && i % 3 === 0, hidden: u !== a && i % 3 === 0 },
 *   };
 * });
 * const report: ScorerReport = PostScorer.train(examples, { epochs: 10, seed: 3 }).report;
 * assert.equal(report.trainExamples + report.validationExamples, 200);
 * assert.ok(report.bestEpoch >= 1 && report.bestEpoch <= report.epochs);
 * assert.ok(report.auc.like > 0.9 && report.auc.like > report.baselineAuc.like);
 * assert.ok(report.logLoss.like > 0);
 * ```
 */
export interface ScorerReport {
  /** Validation AUC per action (`NaN` when a split lacks positives or negatives). */
  auc: ActionScores;
  /** Validation AUC of the random baseline, for comparison. */
  baselineAuc: ActionScores;
  /** Mean validation binary cross-entropy per action. */
  logLoss: ActionScores;
  /** Examples trained on. */
  trainExamples: number;
  /** Examples held out. */
  validationExamples: number;
  /** Epochs run. */
  epochs: number;
  /** The epoch (1-based) whose weights were kept. */
  bestEpoch: number;
}

/**
 * A trained scorer and its report.
 *
 * @example
 * ```ts
 * import { PostScorer, type ScorerTrainResult } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * // Users like posts whose author points the same way as they do.
 * const examples = Array.from({ length: 200 }, (_, i) => {
 *   const u = i % 2 === 0 ? 1 : -1;
 *   const a = i % 4 < 2 ? 1 : -1;
 *   return {
 *     userVector: Float32Array.of(u, 0.5),
 *     accountVector: Float32Array.of(a, 0.5),
 *     post: { postId: `p${i}`, account: a > 0 ? "x" : "y" },
 *     labels: { liked: u === a, saved: u === a && i % 3 === 0, hidden: u !== a && i % 3 === 0 },
 *   };
 * });
 * const result: ScorerTrainResult = PostScorer.train(examples, { epochs: 2 });
 * assert.equal(result.scorer.dim, 2);
 * assert.equal(result.report.epochs, 2);
 * ```
 */
export interface ScorerTrainResult {
  /** The scorer. */
  scorer: PostScorer;
  /** Its validation quality. */
  report: ScorerReport;
}

/**
 * The JSON form of a scorer, to save next to a model.
 *
 * @example
 * ```ts
 * import { PostScorer, type ScorerJson } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * const scorer = new PostScorer({ dim: 2, hidden: 4 });
 * const json: ScorerJson = JSON.parse(JSON.stringify(scorer.toJSON()));
 * assert.equal(json.format, "explore2vec-post-scorer");
 * assert.equal(json.version, 1);
 * assert.equal(json.params.length, 4 * scorer.inputs + 4 + 3 * 4 + 3);
 * const example = { userVector: Float32Array.of(1, 0), accountVector: Float32Array.of(0, 1), post: { postId: "p", account: "a" } };
 * assert.deepEqual(PostScorer.fromJSON(json).predict(example), scorer.predict(example));
 * ```
 */
export interface ScorerJson {
  /** Always `"explore2vec-post-scorer"`. */
  format: string;
  /** Format version, `1`. */
  version: number;
  /** Embedding dimension. */
  dim: number;
  /** Hidden units. */
  hidden: number;
  /** Feature means used for standardisation. */
  mean: number[];
  /** Feature standard deviations used for standardisation. */
  std: number[];
  /** All weights: W1 (hidden × inputs), b1, W2 (3 × hidden), b2. */
  params: number[];
}

/**
 * Options of {@linkcode PostScorer}'s constructor.
 *
 * @example
 * ```ts
 * import { PostScorer, type PostScorerInit } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * const init: PostScorerInit = { dim: 4, hidden: 8, seed: 2 };
 * const scorer = new PostScorer(init);
 * assert.equal(scorer.inputs, 3 * 4 + 4);
 * assert.deepEqual(scorer.parameters, new PostScorer(init).parameters);
 * assert.notDeepEqual(scorer.parameters, new PostScorer({ ...init, seed: 3 }).parameters);
 * ```
 */
export interface PostScorerInit {
  /** Embedding dimension. */
  dim: number;
  /** Hidden units. Default `32`. */
  hidden?: number;
  /** Seed of the initial weights. Default `1`. */
  seed?: number;
}

/**
 * Options of {@linkcode buildScorerExamples}.
 *
 * @example The user vector from the last visit only
 * ```ts
 * import { type BuildExamplesOptions, buildScorerExamples } from "./scorer.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 2, input: Float32Array.of(1, 0, 0, 1) });
 * const data = {
 *   sessions: [{ user: "u1", accounts: ["a", "b"] }],
 *   posts: [{ postId: "p1", account: "a" }],
 *   interactions: [{ user: "u1", postId: "p1", liked: true, saved: false, hidden: false }],
 * };
 * const options: BuildExamplesOptions = { recentAccounts: 1 };
 * assert.deepEqual([...buildScorerExamples(model, data, options)[0]!.userVector], [0, 1]);
 * assert.deepEqual([...buildScorerExamples(model, data)[0]!.userVector], [0.5, 0.5]);
 * ```
 */
export interface BuildExamplesOptions {
  /** How many of a user's most recent account visits make their seed vector. Default `20`. */
  recentAccounts?: number;
}

/**
 * The data {@linkcode buildScorerExamples} reads.
 *
 * @example Unusable interactions are skipped
 * ```ts
 * import { buildScorerExamples, type ScorerData } from "./scorer.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 2, input: Float32Array.of(1, 0, 0, 1) });
 * const data: ScorerData = {
 *   sessions: [{ user: "u1", accounts: ["a"] }, { accounts: ["b"] }],
 *   posts: [{ postId: "p1", account: "b" }, { postId: "p2", account: "zzz" }],
 *   interactions: [
 *     { user: "u1", postId: "p1", liked: true, saved: false, hidden: false, ts: 50 },
 *     { user: "u1", postId: "p2", liked: true, saved: false, hidden: false }, // unknown author
 *     { user: "u1", postId: "p3", liked: true, saved: false, hidden: false }, // unknown post
 *     { user: "u2", postId: "p1", liked: true, saved: false, hidden: false }, // no history
 *   ],
 * };
 * const examples = buildScorerExamples(model, data);
 * assert.equal(examples.length, 1);
 * assert.equal(examples[0]!.now, 50);
 * ```
 */
export interface ScorerData {
  /** Sessions with `user` set (others are ignored). */
  sessions: Iterable<Session>;
  /** Posts. */
  posts: Iterable<Post>;
  /** Interaction logs. */
  interactions: Iterable<Interaction>;
}

const JSON_FORMAT = "explore2vec-post-scorer";
const JSON_VERSION = 1;
const OUTPUTS = 3;
/** Non-embedding features: cosine, appeal, isVideo, log age. */
const EXTRA_FEATURES = 4;
const DEFAULT_HIDDEN = 32;
const DEFAULT_EPOCHS = 10;
const DEFAULT_LR = 0.01;
const DEFAULT_BATCH = 64;
const DEFAULT_VALIDATION = 0.2;
const DEFAULT_PATIENCE = 2;
const DEFAULT_L2 = 1e-4;
const DEFAULT_RECENT = 20;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
const MIN_STD = 1e-8;
const DAY_SECONDS = 86_400;
/** Appeal assumed when a post has none. */
const NEUTRAL_APPEAL = 0.5;

/**
 * An MLP scoring (user, post) pairs: embedding features → hidden ReLU →
 * P(like), P(save), P(hide).
 *
 * @example
 * ```ts
 * import { PostScorer } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * // Users like posts whose author points the same way as they do.
 * const examples = [];
 * for (let i = 0; i < 400; i++) {
 *   const u = i % 2 === 0 ? 1 : -1;
 *   const a = i % 4 < 2 ? 1 : -1;
 *   examples.push({
 *     userVector: Float32Array.of(u, 0.5),
 *     accountVector: Float32Array.of(a, 0.5),
 *     post: { postId: `p${i}`, account: a > 0 ? "x" : "y" },
 *     labels: { liked: u === a, saved: false, hidden: u !== a && i % 3 === 0 },
 *   });
 * }
 * const { scorer, report } = PostScorer.train(examples, { epochs: 20, seed: 3 });
 * assert.ok(report.auc.like > 0.9);
 * const match = scorer.predict({ ...examples[0]!, labels: undefined });
 * const miss = scorer.predict(examples[2]!);
 * assert.ok(match.like > miss.like);
 * assert.deepEqual(PostScorer.fromJSON(scorer.toJSON()).predict(examples[2]!), miss);
 * ```
 */
export class PostScorer {
  /** Embedding dimension. */
  readonly dim: number;
  /** Hidden units. */
  readonly hidden: number;
  /** Input features: 3·dim + 4. */
  readonly inputs: number;
  #params: Float64Array;
  #mean: Float64Array;
  #std: Float64Array;
  // Scratch, reused by every forward and backward pass.
  #x: Float32Array;
  #z1: Float64Array;
  #h: Float64Array;
  #z2: Float64Array;
  #dz1: Float64Array;

  /**
   * Creates an untrained scorer with He-initialised weights.
   *
   * @param init Embedding dimension, hidden units and seed.
   */
  constructor(init: PostScorerInit) {
    const dim = init.dim;
    const hidden = init.hidden ?? DEFAULT_HIDDEN;
    if (!Number.isInteger(dim) || dim < 1) {
      throw new RangeError(
        `Cannot create scorer: dim must be a positive integer, got ${dim}`,
      );
    }
    if (!Number.isInteger(hidden) || hidden < 1) {
      throw new RangeError(
        `Cannot create scorer: hidden must be a positive integer, got ${hidden}`,
      );
    }
    this.dim = dim;
    this.hidden = hidden;
    this.inputs = 3 * dim + EXTRA_FEATURES;
    this.#params = new Float64Array(
      hidden * this.inputs + hidden + OUTPUTS * hidden + OUTPUTS,
    );
    this.#mean = new Float64Array(this.inputs);
    this.#std = new Float64Array(this.inputs).fill(1);
    this.#x = new Float32Array(this.inputs);
    this.#z1 = new Float64Array(hidden);
    this.#h = new Float64Array(hidden);
    this.#z2 = new Float64Array(OUTPUTS);
    this.#dz1 = new Float64Array(hidden);
    const prng = new Prng(init.seed ?? 1);
    const w1 = this.inputs * hidden;
    const std1 = Math.sqrt(2 / this.inputs);
    for (let i = 0; i < w1; i++) this.#params[i] = gaussian(prng) * std1;
    const w2 = w1 + hidden;
    const std2 = Math.sqrt(2 / hidden);
    for (let i = 0; i < OUTPUTS * hidden; i++) {
      this.#params[w2 + i] = gaussian(prng) * std2;
    }
  }

  /**
   * All weights, live: W1 (hidden × inputs, row-major), b1, W2 (3 × hidden),
   * b2. Writing to it changes the scorer (used by gradient checks).
   */
  get parameters(): Float64Array {
    return this.#params;
  }

  /**
   * Trains a scorer on labelled examples.
   *
   * @param examples Examples with `labels`, all with the same vector length.
   * @param options Architecture, optimiser, split and seed.
   * @returns The scorer with the best validation loss, and its report.
   * @throws {TypeError} When an example lacks labels or vectors differ in length.
   * @throws {RangeError} When there are no examples or an option is out of range.
   */
  static train(
    examples: readonly ScorerExample[],
    options: ScorerTrainOptions = {},
  ): ScorerTrainResult {
    const hidden = options.hidden ?? DEFAULT_HIDDEN;
    const maxEpochs = options.epochs ?? DEFAULT_EPOCHS;
    const lr = options.lr ?? DEFAULT_LR;
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    const validationFraction = options.validationFraction ??
      DEFAULT_VALIDATION;
    const patience = options.patience ?? DEFAULT_PATIENCE;
    const l2 = options.l2 ?? DEFAULT_L2;
    const seed = options.seed ?? 1;
    checkInteger("epochs", maxEpochs, 1);
    checkInteger("batchSize", batchSize, 1);
    checkInteger("patience", patience, 1);
    if (!(lr > 0 && Number.isFinite(lr))) {
      throw new RangeError(
        `Cannot train scorer: lr must be a positive number, got ${lr}`,
      );
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new RangeError(
        `Cannot train scorer: validationFraction must be in [0, 1), got ${validationFraction}`,
      );
    }
    if (!(l2 >= 0 && Number.isFinite(l2))) {
      throw new RangeError(
        `Cannot train scorer: l2 must be a number >= 0, got ${l2}`,
      );
    }
    if (examples.length === 0) {
      throw new RangeError("Cannot train scorer: no examples");
    }
    const dim = examples[0]!.accountVector.length;
    const scorer = new PostScorer({ dim, hidden, seed });
    const n = examples.length;
    const f = scorer.inputs;

    // Encode every example once: raw features, then labels.
    const xs = new Float32Array(n * f);
    const ys = new Uint8Array(n * OUTPUTS);
    for (let i = 0; i < n; i++) {
      const e = examples[i]!;
      if (e.labels === undefined) {
        throw new TypeError(
          `Cannot train scorer: example ${i} (post "${e.post.postId}") has no labels`,
        );
      }
      scorer.#encodeRaw(e, xs, i * f);
      ys[i * OUTPUTS] = e.labels.liked ? 1 : 0;
      ys[i * OUTPUTS + 1] = e.labels.saved ? 1 : 0;
      ys[i * OUTPUTS + 2] = e.labels.hidden ? 1 : 0;
    }

    // Split.
    const prng = new Prng(seed ^ 0x5bd1e995);
    const order = permutation(n, prng);
    let nValid = Math.floor(n * validationFraction);
    if (validationFraction > 0 && nValid === 0 && n > 1) nValid = 1;
    const train = order.subarray(0, n - nValid);
    const valid = order.subarray(n - nValid);

    // Standardise with the training split's statistics.
    const mean = scorer.#mean;
    const std = scorer.#std;
    mean.fill(0);
    std.fill(0);
    for (const i of train) {
      for (let j = 0; j < f; j++) mean[j]! += xs[i * f + j]!;
    }
    for (let j = 0; j < f; j++) mean[j]! /= train.length;
    for (const i of train) {
      for (let j = 0; j < f; j++) {
        const d = xs[i * f + j]! - mean[j]!;
        std[j]! += d * d;
      }
    }
    for (let j = 0; j < f; j++) {
      const s = Math.sqrt(std[j]! / train.length);
      std[j] = s > MIN_STD ? s : 1;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < f; j++) {
        xs[i * f + j] = (xs[i * f + j]! - mean[j]!) / std[j]!;
      }
    }

    // Output biases start at the base rates' log-odds.
    const params = scorer.#params;
    const b2 = params.length - OUTPUTS;
    for (let k = 0; k < OUTPUTS; k++) {
      let pos = 0;
      for (const i of train) pos += ys[i * OUTPUTS + k]!;
      const rate = (pos + 1) / (train.length + 2);
      params[b2 + k] = Math.log(rate / (1 - rate));
    }

    // Adam with early stopping on the validation loss.
    const grad = new Float64Array(params.length);
    const m = new Float64Array(params.length);
    const v = new Float64Array(params.length);
    const weightsEnd = hidden * f;
    const w2Start = weightsEnd + hidden;
    const w2End = w2Start + OUTPUTS * hidden;
    let best = params.slice();
    let bestLoss = Infinity;
    let bestEpoch = 0;
    let epochsRun = 0;
    let sinceBest = 0;
    let step = 0;
    const batchIndex = new Uint32Array(batchSize);
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      epochsRun = epoch;
      shuffle(train, prng);
      for (let start = 0; start < train.length; start += batchSize) {
        const size = Math.min(batchSize, train.length - start);
        for (let b = 0; b < size; b++) batchIndex[b] = train[start + b]!;
        grad.fill(0);
        scorer.#accumulate(xs, ys, batchIndex, size, grad);
        const scale = 1 / size;
        step++;
        const c1 = 1 - Math.pow(ADAM_BETA1, step);
        const c2 = 1 - Math.pow(ADAM_BETA2, step);
        for (let p = 0; p < params.length; p++) {
          let g = grad[p]! * scale;
          if (p < weightsEnd || (p >= w2Start && p < w2End)) {
            g += l2 * params[p]!;
          }
          m[p] = ADAM_BETA1 * m[p]! + (1 - ADAM_BETA1) * g;
          v[p] = ADAM_BETA2 * v[p]! + (1 - ADAM_BETA2) * g * g;
          params[p]! -= lr * (m[p]! / c1) /
            (Math.sqrt(v[p]! / c2) + ADAM_EPSILON);
        }
      }
      const watch = valid.length > 0 ? valid : train;
      const loss = scorer.#meanLoss(xs, ys, watch);
      if (loss < bestLoss - 1e-9) {
        bestLoss = loss;
        best = params.slice();
        bestEpoch = epoch;
        sinceBest = 0;
      } else if (++sinceBest >= patience) {
        break;
      }
    }
    params.set(best);

    // Report on the validation split.
    const nv = valid.length;
    const scores = [
      new Float64Array(nv),
      new Float64Array(nv),
      new Float64Array(nv),
    ];
    const labels = [new Uint8Array(nv), new Uint8Array(nv), new Uint8Array(nv)];
    const logLoss = [0, 0, 0];
    const baseline = new RandomScorer(seed);
    const baseScores = [
      new Float64Array(nv),
      new Float64Array(nv),
      new Float64Array(nv),
    ];
    for (let r = 0; r < nv; r++) {
      const i = valid[r]!;
      scorer.#forward(xs, i * f);
      const guess = baseline.predict();
      const guesses = [guess.like, guess.save, guess.hide];
      for (let k = 0; k < OUTPUTS; k++) {
        const z = scorer.#z2[k]!;
        const y = ys[i * OUTPUTS + k]!;
        scores[k]![r] = z;
        labels[k]![r] = y;
        baseScores[k]![r] = guesses[k]!;
        logLoss[k]! += softplus(z) - y * z;
      }
    }
    const report: ScorerReport = {
      auc: {
        like: auc(scores[0]!, labels[0]!),
        save: auc(scores[1]!, labels[1]!),
        hide: auc(scores[2]!, labels[2]!),
      },
      baselineAuc: {
        like: auc(baseScores[0]!, labels[0]!),
        save: auc(baseScores[1]!, labels[1]!),
        hide: auc(baseScores[2]!, labels[2]!),
      },
      logLoss: {
        like: nv > 0 ? logLoss[0]! / nv : NaN,
        save: nv > 0 ? logLoss[1]! / nv : NaN,
        hide: nv > 0 ? logLoss[2]! / nv : NaN,
      },
      trainExamples: train.length,
      validationExamples: nv,
      epochs: epochsRun,
      bestEpoch,
    };
    return { scorer, report };
  }

  /**
   * Restores a scorer saved with {@linkcode PostScorer.toJSON}.
   *
   * @param json The parsed JSON.
   * @returns The scorer.
   * @throws {TypeError} When the JSON is not a scorer of a known version.
   */
  static fromJSON(json: ScorerJson): PostScorer {
    if (
      json === null || typeof json !== "object" || json.format !== JSON_FORMAT
    ) {
      throw new TypeError(
        `Cannot load scorer: format must be "${JSON_FORMAT}", got ${
          JSON.stringify((json as { format?: unknown } | null)?.format)
        }`,
      );
    }
    if (json.version !== JSON_VERSION) {
      throw new TypeError(
        `Cannot load scorer: unsupported version ${json.version}`,
      );
    }
    const scorer = new PostScorer({ dim: json.dim, hidden: json.hidden });
    const f = scorer.inputs;
    if (
      !Array.isArray(json.params) ||
      json.params.length !== scorer.#params.length ||
      !Array.isArray(json.mean) || json.mean.length !== f ||
      !Array.isArray(json.std) || json.std.length !== f
    ) {
      throw new TypeError(
        `Cannot load scorer: expected ${scorer.#params.length} params and ${f} means and stds, got ${json.params?.length}, ${json.mean?.length} and ${json.std?.length}`,
      );
    }
    scorer.#params.set(json.params);
    scorer.#mean.set(json.mean);
    scorer.#std.set(json.std);
    return scorer;
  }

  /**
   * The scorer as plain JSON data.
   *
   * @returns Its dimensions, standardisation and weights.
   */
  toJSON(): ScorerJson {
    return {
      format: JSON_FORMAT,
      version: JSON_VERSION,
      dim: this.dim,
      hidden: this.hidden,
      mean: Array.from(this.#mean),
      std: Array.from(this.#std),
      params: Array.from(this.#params),
    };
  }

  /**
   * Predicts the three action probabilities of one example.
   *
   * @param example User and author vectors and the post (labels are ignored).
   * @returns P(like), P(save), P(hide).
   * @throws {TypeError} When a vector's length is not `dim`.
   */
  predict(example: ScorerExample): ActionScores {
    this.#encodeRaw(example, this.#x, 0);
    this.#standardize(this.#x);
    this.#forward(this.#x, 0);
    const z = this.#z2;
    return { like: sigmoid(z[0]!), save: sigmoid(z[1]!), hide: sigmoid(z[2]!) };
  }

  /**
   * Predicts many examples.
   *
   * @param examples The examples.
   * @returns One prediction per example, in order.
   */
  predictBatch(examples: Iterable<ScorerExample>): ActionScores[] {
    const out: ActionScores[] = [];
    for (const e of examples) out.push(this.predict(e));
    return out;
  }

  /**
   * The feature vector of an example after standardisation, as the network
   * sees it.
   *
   * @param example The example.
   * @returns A new array of `inputs` features.
   */
  features(example: ScorerExample): Float32Array {
    const x = new Float32Array(this.inputs);
    this.#encodeRaw(example, x, 0);
    this.#standardize(x);
    return x;
  }

  /**
   * The summed binary cross-entropy over examples and actions, and its
   * gradient with respect to {@linkcode PostScorer.parameters} (no weight
   * decay). Used to check the backward pass.
   *
   * @param examples Labelled examples.
   * @returns The loss and a gradient of the same length as `parameters`.
   */
  lossAndGradient(
    examples: readonly ScorerExample[],
  ): { loss: number; gradient: Float64Array } {
    const f = this.inputs;
    const n = examples.length;
    const xs = new Float32Array(n * f);
    const ys = new Uint8Array(n * OUTPUTS);
    const index = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const e = examples[i]!;
      if (e.labels === undefined) {
        throw new TypeError(
          `Cannot compute loss: example ${i} has no labels`,
        );
      }
      const row = xs.subarray(i * f, (i + 1) * f);
      this.#encodeRaw(e, row, 0);
      this.#standardize(row);
      ys[i * OUTPUTS] = e.labels.liked ? 1 : 0;
      ys[i * OUTPUTS + 1] = e.labels.saved ? 1 : 0;
      ys[i * OUTPUTS + 2] = e.labels.hidden ? 1 : 0;
      index[i] = i;
    }
    const gradient = new Float64Array(this.#params.length);
    const loss = this.#accumulate(xs, ys, index, n, gradient);
    return { loss, gradient };
  }

  /** Writes the raw (unstandardised) features of `e` into `out` at `offset`. */
  #encodeRaw(e: ScorerExample, out: Float32Array, offset: number): void {
    const d = this.dim;
    const a = e.accountVector;
    const u = e.userVector;
    if (a.length !== d || u.length !== d) {
      throw new TypeError(
        `Cannot score post "${e.post.postId}": vectors must have length ${d}, got ${a.length} and ${u.length}`,
      );
    }
    let dot = 0;
    let na = 0;
    let nu = 0;
    for (let j = 0; j < d; j++) {
      const aj = a[j]!;
      const uj = u[j]!;
      out[offset + j] = aj;
      out[offset + d + j] = uj;
      out[offset + 2 * d + j] = aj * uj;
      dot += aj * uj;
      na += aj * aj;
      nu += uj * uj;
    }
    const base = offset + 3 * d;
    out[base] = na > 0 && nu > 0 ? dot / Math.sqrt(na * nu) : 0;
    const features = e.post.features;
    out[base + 1] = features?.appeal ?? NEUTRAL_APPEAL;
    out[base + 2] = features?.isVideo ?? features?.is_video ?? 0;
    const ts = e.post.ts;
    out[base + 3] = ts !== undefined && e.now !== undefined
      ? Math.log1p(Math.max(0, (e.now - ts) / DAY_SECONDS))
      : 0;
  }

  #standardize(x: Float32Array): void {
    for (let j = 0; j < this.inputs; j++) {
      x[j] = (x[j]! - this.#mean[j]!) / this.#std[j]!;
    }
  }

  /** Forward pass of the row at `offset`; leaves z1, h and z2 in scratch. */
  #forward(xs: Float32Array, offset: number): void {
    const f = this.inputs;
    const hidden = this.hidden;
    const p = this.#params;
    const b1 = hidden * f;
    const w2 = b1 + hidden;
    const b2 = w2 + OUTPUTS * hidden;
    for (let r = 0; r < hidden; r++) {
      let s = p[b1 + r]!;
      const row = r * f;
      for (let j = 0; j < f; j++) s += p[row + j]! * xs[offset + j]!;
      this.#z1[r] = s;
      this.#h[r] = s > 0 ? s : 0;
    }
    for (let k = 0; k < OUTPUTS; k++) {
      let s = p[b2 + k]!;
      const row = w2 + k * hidden;
      for (let r = 0; r < hidden; r++) s += p[row + r]! * this.#h[r]!;
      this.#z2[k] = s;
    }
  }

  /** Adds the gradient of the summed loss over the indexed rows; returns the loss. */
  #accumulate(
    xs: Float32Array,
    ys: Uint8Array,
    index: Uint32Array,
    count: number,
    grad: Float64Array,
  ): number {
    const f = this.inputs;
    const hidden = this.hidden;
    const p = this.#params;
    const b1 = hidden * f;
    const w2 = b1 + hidden;
    const b2 = w2 + OUTPUTS * hidden;
    const h = this.#h;
    const z1 = this.#z1;
    const dz1 = this.#dz1;
    let loss = 0;
    for (let b = 0; b < count; b++) {
      const i = index[b]!;
      const offset = i * f;
      this.#forward(xs, offset);
      dz1.fill(0);
      for (let k = 0; k < OUTPUTS; k++) {
        const z = this.#z2[k]!;
        const y = ys[i * OUTPUTS + k]!;
        loss += softplus(z) - y * z;
        const dz = sigmoid(z) - y;
        grad[b2 + k]! += dz;
        const row = w2 + k * hidden;
        for (let r = 0; r < hidden; r++) {
          grad[row + r]! += dz * h[r]!;
          dz1[r]! += dz * p[row + r]!;
        }
      }
      for (let r = 0; r < hidden; r++) {
        if (z1[r]! <= 0) continue;
        const d = dz1[r]!;
        grad[b1 + r]! += d;
        const row = r * f;
        for (let j = 0; j < f; j++) grad[row + j]! += d * xs[offset + j]!;
      }
    }
    return loss;
  }

  #meanLoss(xs: Float32Array, ys: Uint8Array, rows: Uint32Array): number {
    let loss = 0;
    for (const i of rows) {
      this.#forward(xs, i * this.inputs);
      for (let k = 0; k < OUTPUTS; k++) {
        const z = this.#z2[k]!;
        loss += softplus(z) - ys[i * OUTPUTS + k]! * z;
      }
    }
    return rows.length > 0 ? loss / rows.length : 0;
  }
}

/**
 * A baseline that ignores its input and returns seeded uniform random
 * probabilities; only for comparison with {@linkcode PostScorer}.
 *
 * @example
 * ```ts
 * import { RandomScorer } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * const a = new RandomScorer(4).predict();
 * assert.deepEqual(new RandomScorer(4).predict(), a);
 * assert.ok(a.like >= 0 && a.like < 1);
 * ```
 */
export class RandomScorer {
  #prng: Prng;

  /**
   * Creates the baseline.
   *
   * @param seed Random seed, default `1`.
   */
  constructor(seed = 1) {
    this.#prng = new Prng(seed);
  }

  /**
   * Random probabilities, whatever the example.
   *
   * @param _example Ignored.
   * @returns Uniform random P(like), P(save), P(hide).
   */
  predict(_example?: ScorerExample): ActionScores {
    return {
      like: this.#prng.random(),
      save: this.#prng.random(),
      hide: this.#prng.random(),
    };
  }
}

/**
 * The area under the ROC curve, from ranks (Mann–Whitney U), with tied
 * scores given their average rank.
 *
 * @param scores One score per example; higher means more likely positive.
 * @param labels One label per example (truthy is positive).
 * @returns The AUC in `[0, 1]`, or `NaN` without both positives and negatives.
 * @throws {TypeError} When the lengths differ.
 *
 * @example
 * ```ts
 * import { auc } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
 * assert.equal(auc([0.5, 0.5], [0, 1]), 0.5);
 * ```
 */
export function auc(
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean | number>,
): number {
  const n = scores.length;
  if (labels.length !== n) {
    throw new TypeError(
      `Cannot compute AUC: ${n} scores but ${labels.length} labels`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
}

/**
 * Builds labelled scorer examples from interaction logs: the author's
 * embedding, the user's seed vector (mean embedding of their most recent
 * account visits, sessions ordered by `ts`), the post and the exposure time.
 * Interactions whose post, author embedding or user vector is unknown are
 * skipped.
 *
 * @param model The embeddings.
 * @param data Sessions (with `user`), posts and interactions.
 * @param options How many recent visits make a user's vector.
 * @returns One example per usable interaction, in input order.
 *
 * @example
 * ```ts
 * import { buildScorerExamples } from "./scorer.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({
 *   vocab: new Vocabulary(["a", "b"], [2, 1]),
 *   dim: 2,
 *   input: Float32Array.of(1, 0, 0, 1),
 * });
 * const examples = buildScorerExamples(model, {
 *   sessions: [{ user: "u1", accounts: ["a", "b"] }],
 *   posts: [{ postId: "p1", account: "b" }],
 *   interactions: [{ user: "u1", postId: "p1", liked: true, saved: false, hidden: false }],
 * });
 * assert.equal(examples.length, 1);
 * assert.deepEqual(Array.from(examples[0]!.userVector), [0.5, 0.5]);
 * assert.deepEqual(Array.from(examples[0]!.accountVector), [0, 1]);
 * ```
 */
export function buildScorerExamples(
  model: Model,
  data: ScorerData,
  options: BuildExamplesOptions = {},
): ScorerExample[] {
  const recent = options.recentAccounts ?? DEFAULT_RECENT;
  if (!Number.isInteger(recent) || recent < 1) {
    throw new RangeError(
      `Cannot build scorer examples: recentAccounts must be a positive integer, got ${recent}`,
    );
  }
  const byUser = new Map<string, Session[]>();
  for (const s of data.sessions) {
    if (s.user === undefined) continue;
    let list = byUser.get(s.user);
    if (list === undefined) byUser.set(s.user, list = []);
    list.push(s);
  }
  const userVectors = new Map<string, Float32Array | null>();
  const postById = new Map<string, Post>();
  for (const p of data.posts) postById.set(p.postId, p);
  const accountVectors = new Map<string, Float32Array | undefined>();
  const out: ScorerExample[] = [];
  for (const x of data.interactions) {
    const post = postById.get(x.postId);
    if (post === undefined) continue;
    let accountVector = accountVectors.get(post.account);
    if (!accountVectors.has(post.account)) {
      accountVector = model.vector(post.account);
      accountVectors.set(post.account, accountVector);
    }
    if (accountVector === undefined) continue;
    let mean = userVectors.get(x.user);
    if (mean === undefined) {
      mean = userVector(model, byUser.get(x.user) ?? [], recent) ?? null;
      userVectors.set(x.user, mean);
    }
    if (mean === null) continue;
    const example: ScorerExample = {
      userVector: mean,
      accountVector,
      post,
      user: x.user,
      labels: { liked: x.liked, saved: x.saved, hidden: x.hidden },
    };
    if (x.ts !== undefined) example.now = x.ts;
    out.push(example);
  }
  return out;
}

/**
 * A user's vector: the mean embedding of their most recent `recent` account
 * visits (sessions ordered by `ts` when every one has it, else as listed; unknown
 * accounts skipped). The scorer and the Explore pipeline share this rule.
 *
 * @param model The embeddings.
 * @param history The user's sessions.
 * @param recent How many of the latest visits count. Default `20`.
 * @returns The mean vector, or `undefined` when no visit is known to the model.
 *
 * @example
 * ```ts
 * import { userVector } from "./scorer.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [2, 1]), dim: 1, input: Float32Array.of(1, 3) });
 * assert.deepEqual([...userVector(model, [{ accounts: ["a", "b"] }], 2)!], [2]);
 * assert.equal(userVector(model, [{ accounts: ["zzz"] }]), undefined);
 * ```
 */
export function userVector(
  model: Model,
  history: readonly Session[],
  recent: number = DEFAULT_RECENT,
): Float32Array | undefined {
  const dim = model.dim;
  const ordered = chronological(history);
  const sum = new Float64Array(dim);
  let count = 0;
  for (let k = ordered.length - 1; k >= 0 && count < recent; k--) {
    const accounts = ordered[k]!.accounts;
    for (let j = accounts.length - 1; j >= 0 && count < recent; j--) {
      const i = model.vocab.index(accounts[j]!);
      if (i === undefined) continue;
      for (let d = 0; d < dim; d++) sum[d]! += model.input[i * dim + d]!;
      count++;
    }
  }
  if (count === 0) return undefined;
  const out = new Float32Array(dim);
  for (let d = 0; d < dim; d++) out[d] = sum[d]! / count;
  return out;
}

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot train scorer: ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z), stable. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function gaussian(prng: Prng): number {
  const u = 1 - prng.random();
  const v = prng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function permutation(n: number, prng: Prng): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffle(out, prng);
  return out;
}

function shuffle(a: Uint32Array, prng: Prng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
