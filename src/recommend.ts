/**
 * Account recommendation from seed accounts: the sourcing step of Explore.
 *
 * Reference: the notebook's `recommend_accounts_from_seeds` (average the seed
 * vectors, rank every account by cosine similarity, drop the seeds) and
 * Instagram's Explore write-up, which looks up the nearest accounts of each
 * seed separately and merges them.
 *
 * Three strategies:
 * - `"mean"`: one query, the mean of the normalised seed vectors (the
 *   notebook). Good for a user with one interest; with several it lands
 *   between them.
 * - `"per-seed"`: the `perSeed` nearest accounts of every seed, merged
 *   round-robin in seed order (newest seed first), duplicates keeping the best
 *   similarity. Every seed gets a share of the result.
 * - `"clusters"`: seeds grouped by a seeded spherical k-means, one query per
 *   group centroid; an account's score is its best similarity over the
 *   centroids, and belongs to that group. The `k` slots are shared among
 *   groups in proportion to their number of seeds, so a stray seed (a
 *   misclick) cannot take as many slots as a real interest. The number of
 *   groups is given or picked by the silhouette rule.
 *
 * Where we differ from the notebook: unknown seeds are skipped instead of
 * failing, seeds and excluded accounts (follows, visited) never come back
 * even when fewer than `k` neighbours remain, every result says which seeds
 * it came from (`because`), and several queries share one batched scan
 * ({@linkcode Model.similarBatch}).
 *
 * @module
 */

import type { Model, Neighbor } from "./model.ts";
import { Prng } from "./prng.ts";

/**
 * How seeds turn into recommended accounts.
 *
 * @example Two interests: the mean lands between them, per-seed serves each
 * ```ts
 * import { recommendAccounts, type RecommendStrategy } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * const top = (strategy: RecommendStrategy) =>
 *   recommendAccounts(model, ["c1", "t1"], { k: 2, strategy }).map((r) => r.account);
 * assert.deepEqual(top("mean"), ["t4", "c4"]);
 * assert.deepEqual(top("per-seed"), ["c2", "t2"]);
 * ```
 */
export type RecommendStrategy = "mean" | "per-seed" | "clusters";

/**
 * The strategies, in documentation order.
 *
 * @example
 * ```ts
 * import { RECOMMEND_STRATEGIES, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * for (const strategy of RECOMMEND_STRATEGIES) {
 *   const accounts = recommendAccounts(model, ["c1", "c2", "t1"], { k: 3, strategy }).map((r) => r.account);
 *   assert.equal(accounts.length, 3);
 *   assert.ok(!accounts.includes("c1") && !accounts.includes("t1"));
 * }
 * assert.deepEqual(RECOMMEND_STRATEGIES, ["mean", "per-seed", "clusters"]);
 * ```
 */
export const RECOMMEND_STRATEGIES: readonly RecommendStrategy[] = [
  "mean",
  "per-seed",
  "clusters",
];

/**
 * One recommended account.
 *
 * @example
 * ```ts
 * import { recommendAccounts, type RecommendedAccount } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * const [best] = recommendAccounts(model, ["c1"], { k: 1 });
 * const expected: RecommendedAccount = { account: "c2", score: best!.score, because: ["c1"] };
 * assert.deepEqual(best, expected);
 * assert.ok(Math.abs(best!.score - Math.cos(4 * Math.PI / 180)) < 1e-6);
 * ```
 */
export interface RecommendedAccount {
  /** The account id. */
  account: string;
  /** Cosine similarity to the query it was found by, in `[-1, 1]`. */
  score: number;
  /** The seed account(s) it came from, most similar first. */
  because: string[];
}

/**
 * Options of {@linkcode recommendAccounts}.
 *
 * @example Skip followed accounts and report unknown seeds
 * ```ts
 * import { recommendAccounts, type RecommendOptions } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * const options: RecommendOptions = {
 *   k: 2,
 *   strategy: "per-seed",
 *   exclude: ["c2"],
 *   perSeed: 5,
 *   unknown: [],
 * };
 * const accounts = recommendAccounts(model, ["c1", "newcomer"], options).map((r) => r.account);
 * assert.deepEqual(accounts, ["c3", "c4"]);
 * assert.deepEqual(options.unknown, ["newcomer"]);
 * const withSeeds = recommendAccounts(model, ["c1", "c2"], { k: 1, strategy: "mean", excludeSeeds: false });
 * assert.equal(withSeeds[0]!.account, "c2");
 * ```
 */
export interface RecommendOptions {
  /** How many accounts to return at most. Default `20`. */
  k?: number;
  /** How seeds are turned into queries. Default `"per-seed"`. */
  strategy?: RecommendStrategy;
  /** Accounts never recommended (follows, already visited). Default none. */
  exclude?: Iterable<string>;
  /** Never recommend a seed account. Default `true`. */
  excludeSeeds?: boolean;
  /** With `"per-seed"`: neighbours looked up per seed, raised to `⌈k / seeds⌉` when smaller. Default `10`. */
  perSeed?: number;
  /** With `"clusters"`: the number of seed groups, or `"auto"` (silhouette rule). Default `"auto"`. */
  clusters?: number | "auto";
  /** With `"clusters"`: the seed of the k-means initialisation. Default `1`. */
  seed?: number;
  /** When given, seeds unknown to the model are appended to this array. Default none. */
  unknown?: string[];
}

/**
 * Default number of recommended accounts.
 *
 * @example
 * ```ts
 * import { DEFAULT_RECOMMEND_K, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Accounts every 15° around the circle.
 * const words = Array.from({ length: 24 }, (_, i) => `a${i}`);
 * const input = Float32Array.from(words.flatMap((_, i) => [Math.cos(i * Math.PI / 12), Math.sin(i * Math.PI / 12)]));
 * const model = new Model({ vocab: new Vocabulary(words, words.map(() => 1)), dim: 2, input });
 * assert.equal(recommendAccounts(model, ["a0"]).length, DEFAULT_RECOMMEND_K);
 * assert.equal(DEFAULT_RECOMMEND_K, 20);
 * ```
 */
export const DEFAULT_RECOMMEND_K = 20;
/**
 * Default neighbours per seed of the `"per-seed"` strategy.
 *
 * @example
 * ```ts
 * import { DEFAULT_PER_SEED, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * const seeds = ["c1", "t1"];
 * assert.deepEqual(
 *   recommendAccounts(model, seeds, { k: 4 }),
 *   recommendAccounts(model, seeds, { k: 4, perSeed: DEFAULT_PER_SEED }),
 * );
 * assert.equal(DEFAULT_PER_SEED, 10);
 * ```
 */
export const DEFAULT_PER_SEED = 10;
/**
 * With `"mean"`, a second seed is named in `because` when its similarity is
 * within this of the best seed's.
 *
 * @example
 * ```ts
 * import { MEAN_BECAUSE_MARGIN, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * // c3 is about as close to c1 as to c2: both are named.
 * const [c3] = recommendAccounts(model, ["c1", "c2"], { k: 1, strategy: "mean" });
 * assert.deepEqual(c3!.because, ["c2", "c1"]);
 * // t4 is far closer to t1 than to c1: only t1 is named.
 * const [t4] = recommendAccounts(model, ["c1", "t1"], { k: 1, strategy: "mean" });
 * assert.deepEqual(t4!.because, ["t1"]);
 * assert.equal(MEAN_BECAUSE_MARGIN, 0.1);
 * ```
 */
export const MEAN_BECAUSE_MARGIN = 0.1;
/**
 * The most seed groups the `"auto"` rule tries.
 *
 * @example Twelve seeds spread around the circle make at most eight groups
 * ```ts
 * import { MAX_AUTO_CLUSTERS, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Accounts every 15° around the circle.
 * const words = Array.from({ length: 24 }, (_, i) => `a${i}`);
 * const input = Float32Array.from(words.flatMap((_, i) => [Math.cos(i * Math.PI / 12), Math.sin(i * Math.PI / 12)]));
 * const model = new Model({ vocab: new Vocabulary(words, words.map(() => 1)), dim: 2, input });
 * const seeds = words.filter((_, i) => i % 2 === 0);
 * const recs = recommendAccounts(model, seeds, { k: 12, strategy: "clusters" });
 * const groups = new Set(recs.map((r) => [...r.because].sort().join()));
 * assert.ok(groups.size > 1 && groups.size <= MAX_AUTO_CLUSTERS);
 * ```
 */
export const MAX_AUTO_CLUSTERS = 8;
/**
 * Below this mean silhouette the `"auto"` rule keeps all seeds in one group.
 *
 * @example Three cat seeds and one travel seed separate well: two groups
 * ```ts
 * import { MIN_SILHOUETTE, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * const recs = recommendAccounts(model, ["c1", "c2", "c3", "t1"], { k: 4, strategy: "clusters" });
 * const t2 = recs.find((r) => r.account === "t2")!;
 * const c4 = recs.find((r) => r.account === "c4")!;
 * assert.deepEqual(t2.because, ["t1"]);
 * assert.deepEqual(c4.because, ["c3", "c2", "c1"]);
 * assert.equal(MIN_SILHOUETTE, 0.15);
 * ```
 */
export const MIN_SILHOUETTE = 0.15;
/**
 * The `"auto"` rule keeps one group when every seed is at least this similar
 * to the seeds' mean direction.
 *
 * @example Seeds within 9° of each other stay one group
 * ```ts
 * import { ONE_GROUP_MIN_SIMILARITY, recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Cat accounts near 0°, travel accounts near 90°.
 * const angles: [string, number][] = [["c1", 0], ["c2", 4], ["c3", 9], ["c4", 15], ["t1", 90], ["t2", 86], ["t3", 80], ["t4", 73]];
 * const vocab = new Vocabulary(angles.map((a) => a[0]), angles.map(() => 1));
 * const input = Float32Array.from(angles.flatMap(([, deg]) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)]));
 * const model = new Model({ vocab, dim: 2, input });
 * const recs = recommendAccounts(model, ["c1", "c2", "c3"], { k: 3, strategy: "clusters" });
 * assert.ok(recs.every((r) => r.because.length === 3));
 * assert.equal(ONE_GROUP_MIN_SIMILARITY, 0.7);
 * ```
 */
export const ONE_GROUP_MIN_SIMILARITY = 0.7;
/** Lloyd iterations of the spherical k-means, at most. */
const KMEANS_MAX_ITERATIONS = 50;

/**
 * Recommends accounts similar to a user's seed accounts.
 *
 * @example
 * ```ts
 * import { recommendAccounts } from "./recommend.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Two cat accounts point one way, two travel accounts the other.
 * const vocab = new Vocabulary(["catsdaily", "meowworld", "travelgram", "earthpix"], [1, 1, 1, 1]);
 * const input = Float32Array.of(1, 0.1, 0.9, 0.2, 0.1, 1, 0.2, 0.9);
 * const model = new Model({ vocab, dim: 2, input });
 * const recs = recommendAccounts(model, ["catsdaily"], { k: 2 });
 * assert.deepEqual(recs.map((r) => r.account), ["meowworld", "earthpix"]);
 * assert.deepEqual(recs[0]!.because, ["catsdaily"]);
 * assert.ok(recs[0]!.score > 0.9);
 * ```
 *
 * @param model The account embeddings.
 * @param seeds Seed account ids, most recent first (see `seedAccounts`).
 * @param options Strategy, size, exclusions.
 * @returns Up to `k` accounts; `[]` when no seed is known to the model.
 * @throws {TypeError} When `seeds` is not an array of strings.
 * @throws {RangeError} When an option is out of range or the strategy is unknown.
 */
export function recommendAccounts(
  model: Model,
  seeds: readonly string[],
  options: RecommendOptions = {},
): RecommendedAccount[] {
  const k = options.k ?? DEFAULT_RECOMMEND_K;
  const strategy = options.strategy ?? "per-seed";
  const perSeed = options.perSeed ?? DEFAULT_PER_SEED;
  const clusters = options.clusters ?? "auto";
  checkCount("k", k, 0);
  checkCount("perSeed", perSeed, 1);
  if (clusters !== "auto") checkCount("clusters", clusters, 1);
  if (!RECOMMEND_STRATEGIES.includes(strategy)) {
    throw new RangeError(
      `Cannot recommend accounts: unknown strategy "${strategy}", expected one of ${
        RECOMMEND_STRATEGIES.join(", ")
      }`,
    );
  }
  if (!Array.isArray(seeds) || seeds.some((s) => typeof s !== "string")) {
    throw new TypeError(
      "Cannot recommend accounts: seeds must be an array of account id strings",
    );
  }
  const known: number[] = [];
  const seen = new Set<string>();
  for (const seed of seeds) {
    if (seen.has(seed)) continue;
    seen.add(seed);
    const index = model.vocab.index(seed);
    if (index === undefined) options.unknown?.push(seed);
    else known.push(index);
  }
  if (known.length === 0 || k === 0) return [];
  const exclude = new Set(options.exclude ?? []);
  if (options.excludeSeeds ?? true) { for (const s of seen) exclude.add(s); }
  const rows = seedRows(model, known);
  switch (strategy) {
    case "mean":
      return recommendMean(model, known, rows, k, exclude);
    case "per-seed":
      return recommendPerSeed(model, known, rows, k, perSeed, exclude);
    case "clusters":
      return recommendClusters(
        model,
        known,
        rows,
        k,
        clusters,
        options.seed ?? 1,
        exclude,
      );
  }
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot recommend accounts: ${name} must be an integer >= ${min}, got ${value}`,
    );
  }
}

/** The normalised vectors of the seeds, `seeds × dim`. */
function seedRows(model: Model, indices: readonly number[]): Float32Array {
  const dim = model.dim;
  const mat = model.normalized();
  const rows = new Float32Array(indices.length * dim);
  for (const [r, i] of indices.entries()) {
    rows.set(mat.subarray(i * dim, (i + 1) * dim), r * dim);
  }
  return rows;
}

function dotRow(
  a: Float32Array,
  ai: number,
  b: Float32Array,
  bi: number,
  dim: number,
): number {
  let s = 0;
  const ao = ai * dim;
  const bo = bi * dim;
  for (let j = 0; j < dim; j++) s += a[ao + j]! * b[bo + j]!;
  return s;
}

/** The given seeds (indices into `rows`) ordered by similarity to an account. */
function seedsBySimilarity(
  model: Model,
  account: number,
  rows: Float32Array,
  members: readonly number[],
  seedIndices: readonly number[],
): { seed: string; sim: number }[] {
  const mat = model.normalized();
  return members
    .map((m) => ({
      seed: model.vocab.word(seedIndices[m]!),
      sim: dotRow(mat, account, rows, m, model.dim),
      m,
    }))
    .sort((a, b) => b.sim - a.sim || a.m - b.m);
}

function recommendMean(
  model: Model,
  seedIndices: readonly number[],
  rows: Float32Array,
  k: number,
  exclude: Set<string>,
): RecommendedAccount[] {
  const dim = model.dim;
  const query = new Float32Array(dim);
  for (let r = 0; r < seedIndices.length; r++) {
    for (let j = 0; j < dim; j++) query[j]! += rows[r * dim + j]!;
  }
  const all = seedIndices.map((_, m) => m);
  return model.similarToVector(query, k, { exclude }).map((n) => {
    const ranked = seedsBySimilarity(model, n.index, rows, all, seedIndices);
    const because = [ranked[0]!.seed];
    const second = ranked[1];
    if (
      second !== undefined && second.sim >= ranked[0]!.sim - MEAN_BECAUSE_MARGIN
    ) {
      because.push(second.seed);
    }
    return { account: n.account, score: n.score, because };
  });
}

function recommendPerSeed(
  model: Model,
  seedIndices: readonly number[],
  rows: Float32Array,
  k: number,
  perSeed: number,
  exclude: Set<string>,
): RecommendedAccount[] {
  const n = seedIndices.length;
  const per = Math.max(perSeed, Math.ceil(k / n));
  // One extra neighbour so a seed's own row can be dropped from its list
  // when seeds are not excluded.
  const lists = model.similarBatch(rows, per + 1, { exclude }).map(
    (list, s) => list.filter((nb) => nb.index !== seedIndices[s]).slice(0, per),
  );
  const merged = new Map<number, { best: number; from: Map<string, number> }>();
  const order: Neighbor[] = [];
  for (let r = 0; r < per; r++) {
    for (let s = 0; s < n; s++) {
      const nb = lists[s]![r];
      if (nb === undefined) continue;
      const seed = model.vocab.word(seedIndices[s]!);
      const entry = merged.get(nb.index);
      if (entry === undefined) {
        merged.set(nb.index, {
          best: nb.score,
          from: new Map([[seed, nb.score]]),
        });
        order.push(nb);
      } else {
        entry.best = Math.max(entry.best, nb.score);
        if (!entry.from.has(seed)) entry.from.set(seed, nb.score);
      }
    }
  }
  return order.slice(0, k).map((nb) => {
    const entry = merged.get(nb.index)!;
    const because = [...entry.from].sort((a, b) => b[1] - a[1]).map((e) =>
      e[0]
    );
    return { account: nb.account, score: entry.best, because };
  });
}

function recommendClusters(
  model: Model,
  seedIndices: readonly number[],
  rows: Float32Array,
  k: number,
  clusters: number | "auto",
  seed: number,
  exclude: Set<string>,
): RecommendedAccount[] {
  const dim = model.dim;
  const n = seedIndices.length;
  const grouping = clusters === "auto"
    ? autoClusters(rows, n, dim, seed)
    : sphericalKMeans(rows, n, dim, Math.min(clusters, n), seed);
  const groups: number[][] = Array.from({ length: grouping.k }, () => []);
  for (let m = 0; m < n; m++) groups[grouping.assignment[m]!]!.push(m);
  // Each group looks up twice its fair share, so groups still fill their
  // quota when a neighbour is closer to another group's centroid.
  const lists = model.similarBatch(grouping.centroids, 2 * k, { exclude });
  const best = new Map<number, { nb: Neighbor; group: number }>();
  for (const [g, list] of lists.entries()) {
    for (const nb of list) {
      const prev = best.get(nb.index);
      if (prev === undefined || nb.score > prev.nb.score) {
        best.set(nb.index, { nb, group: g });
      }
    }
  }
  const quotas = shareSlots(groups.map((g) => g.length), k);
  const chosen: { nb: Neighbor; group: number }[] = [];
  const taken = new Set<number>();
  for (const [g, list] of lists.entries()) {
    let got = 0;
    for (const nb of list) {
      if (got >= quotas[g]!) break;
      const entry = best.get(nb.index)!;
      if (entry.group !== g || taken.has(nb.index)) continue;
      taken.add(nb.index);
      chosen.push(entry);
      got++;
    }
  }
  // Slots a group could not fill go to the best remaining accounts.
  const rest = [...best.values()]
    .filter((e) => !taken.has(e.nb.index))
    .sort((a, b) => b.nb.score - a.nb.score || a.nb.index - b.nb.index);
  for (const e of rest) {
    if (chosen.length >= k) break;
    chosen.push(e);
  }
  return chosen
    .sort((a, b) => b.nb.score - a.nb.score || a.nb.index - b.nb.index)
    .map(({ nb, group }) => ({
      account: nb.account,
      score: nb.score,
      because: seedsBySimilarity(
        model,
        nb.index,
        rows,
        groups[group]!,
        seedIndices,
      ).map((e) => e.seed),
    }));
}

/**
 * Shares `k` slots among groups in proportion to their sizes (largest
 * remainder; ties go to the larger, then the earlier group).
 */
function shareSlots(sizes: readonly number[], k: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (k * s) / total);
  const quotas = exact.map(Math.floor);
  let left = k - quotas.reduce((a, b) => a + b, 0);
  const order = sizes
    .map((s, g) => ({ g, s, frac: exact[g]! - quotas[g]! }))
    .sort((a, b) => b.frac - a.frac || b.s - a.s || a.g - b.g);
  for (const { g } of order) {
    if (left <= 0) break;
    quotas[g]!++;
    left--;
  }
  return quotas;
}

/** A grouping of seed rows. */
interface Grouping {
  k: number;
  /** Group of each row. */
  assignment: Int32Array;
  /** Unit centroids, `k × dim`. */
  centroids: Float32Array;
}

/**
 * Spherical k-means: rows are unit vectors, similarity is the dot product,
 * centroids are re-normalised means. k-means++ initialisation from `seed`.
 */
function sphericalKMeans(
  rows: Float32Array,
  n: number,
  dim: number,
  k: number,
  seed: number,
): Grouping {
  const prng = new Prng(seed);
  const centroids = new Float32Array(k * dim);
  const first = prng.int(n);
  centroids.set(rows.subarray(first * dim, (first + 1) * dim), 0);
  const dist = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let m = 0; m < n; m++) {
      const d = Math.max(0, 1 - dotRow(rows, m, centroids, c - 1, dim));
      dist[m] = Math.min(dist[m]!, d);
      total += dist[m]! * dist[m]!;
    }
    let pick = 0;
    if (total > 0) {
      let u = prng.random() * total;
      for (pick = 0; pick < n - 1; pick++) {
        u -= dist[pick]! * dist[pick]!;
        if (u < 0) break;
      }
    } else {
      pick = c % n;
    }
    centroids.set(rows.subarray(pick * dim, (pick + 1) * dim), c * dim);
  }
  const assignment = new Int32Array(n).fill(-1);
  for (let iter = 0; iter < KMEANS_MAX_ITERATIONS; iter++) {
    let changed = false;
    for (let m = 0; m < n; m++) {
      let bestC = 0;
      let bestS = -Infinity;
      for (let c = 0; c < k; c++) {
        const s = dotRow(rows, m, centroids, c, dim);
        if (s > bestS) {
          bestS = s;
          bestC = c;
        }
      }
      if (assignment[m] !== bestC) {
        assignment[m] = bestC;
        changed = true;
      }
    }
    if (!changed) break;
    centroids.fill(0);
    for (let m = 0; m < n; m++) {
      const c = assignment[m]!;
      for (let j = 0; j < dim; j++) {
        centroids[c * dim + j]! += rows[m * dim + j]!;
      }
    }
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += centroids[c * dim + j]! ** 2;
      if (norm === 0) continue; // An emptied group keeps a zero centroid and wins nothing.
      const inv = 1 / Math.sqrt(norm);
      for (let j = 0; j < dim; j++) centroids[c * dim + j]! *= inv;
    }
  }
  return compact({ k, assignment, centroids }, dim);
}

/** Drops groups that ended up empty, renumbering the rest. */
function compact(g: Grouping, dim: number): Grouping {
  const used = [...new Set(g.assignment)].sort((a, b) => a - b);
  if (used.length === g.k) return g;
  const remap = new Map(used.map((c, i) => [c, i]));
  const centroids = new Float32Array(used.length * dim);
  for (const [i, c] of used.entries()) {
    centroids.set(g.centroids.subarray(c * dim, (c + 1) * dim), i * dim);
  }
  return {
    k: used.length,
    assignment: g.assignment.map((c) => remap.get(c)!),
    centroids,
  };
}

/**
 * Picks the number of groups. One group when every seed is close to the
 * seeds' mean direction ({@linkcode ONE_GROUP_MIN_SIMILARITY}): the
 * silhouette is scale-free and would split even a tight group. Otherwise the
 * k in `2..min(8, n - 1)` with the best mean silhouette (cosine distance), or
 * one group when that best is below {@linkcode MIN_SILHOUETTE}.
 */
function autoClusters(
  rows: Float32Array,
  n: number,
  dim: number,
  seed: number,
): Grouping {
  let best = sphericalKMeans(rows, n, dim, 1, seed);
  let cohesive = true;
  for (let m = 0; m < n && cohesive; m++) {
    cohesive = dotRow(rows, m, best.centroids, 0, dim) >=
      ONE_GROUP_MIN_SIMILARITY;
  }
  if (cohesive) return best;
  let bestScore = MIN_SILHOUETTE;
  const maxK = Math.min(MAX_AUTO_CLUSTERS, n - 1);
  for (let k = 2; k <= maxK; k++) {
    const g = sphericalKMeans(rows, n, dim, k, seed);
    if (g.k < 2) continue;
    const score = silhouette(rows, n, dim, g);
    if (score > bestScore) {
      bestScore = score;
      best = g;
    }
  }
  return best;
}

function silhouette(
  rows: Float32Array,
  n: number,
  dim: number,
  g: Grouping,
): number {
  const sizes = new Int32Array(g.k);
  for (const c of g.assignment) sizes[c]!++;
  let total = 0;
  for (let m = 0; m < n; m++) {
    const own = g.assignment[m]!;
    if (sizes[own]! < 2) continue; // A singleton's silhouette is 0.
    const sums = new Float64Array(g.k);
    for (let o = 0; o < n; o++) {
      if (o === m) continue;
      sums[g.assignment[o]!]! += 1 - dotRow(rows, m, rows, o, dim);
    }
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < g.k; c++) {
      if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    }
    const denom = Math.max(a, b);
    if (denom > 0) total += (b - a) / denom;
  }
  return total / n;
}
