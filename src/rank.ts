/**
 * The value model and the diversity re-rank of candidate posts.
 *
 * What: each candidate's value is w_like·P(like) + w_save·P(save) −
 * w_hide·P(hide); posts are then chosen greedily — take the best remaining
 * post, then lower the score of every remaining post by the same author (and
 * optionally from the same seed account) before choosing the next.
 *
 * Reference: the value model and the "don't repeat the author" heuristic of
 * the reference notebook, with its weights (1.0, 1.2, 2.0) and penalty (0.2).
 * Where we differ: the notebook subtracted the penalty while walking the input
 * in its original order and sorted afterwards, so the result depended on the
 * input order and the penalised post was not necessarily the weaker one. Here
 * the penalty is applied after each pick (cumulative per repeat), ties are
 * broken by post id, and the input order never changes the result.
 *
 * @module
 */

import type { Post } from "./records.ts";

/**
 * Weights of the value model.
 *
 * @example Saves count five times as much as likes
 * ```ts
 * import { valueScore, type ValueWeights } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const weights: ValueWeights = { like: 1, save: 5, hide: 3 };
 * assert.equal(valueScore({ like: 0.5, save: 0.5, hide: 0.5 }, weights), 1.5);
 * assert.equal(valueScore({ like: 0.5, save: 0.5, hide: 0.5 }, { hide: 0 }), 1.1); // missing weights take the defaults
 * ```
 */
export interface ValueWeights {
  /** Weight of P(like). Default `1.0`. */
  like: number;
  /** Weight of P(save). Default `1.2`. */
  save: number;
  /** Penalty weight of P(hide). Default `2.0`. */
  hide: number;
}

/**
 * The predicted action probabilities of one post for one user.
 *
 * @example
 * ```ts
 * import { type ActionScores, valueScore } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const likedButHidden: ActionScores = { like: 0.5, save: 0, hide: 0.5 };
 * assert.equal(valueScore(likedButHidden), 0.5 - 2 * 0.5);
 * ```
 */
export interface ActionScores {
  /** P(like). */
  like: number;
  /** P(save). */
  save: number;
  /** P(hide). */
  hide: number;
}

/**
 * The notebook's value weights: like 1.0, save 1.2, hide 2.0.
 *
 * @example
 * ```ts
 * import { DEFAULT_VALUE_WEIGHTS, valueScore } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const p = { like: 0.25, save: 0.5, hide: 0.125 };
 * assert.equal(valueScore(p), valueScore(p, DEFAULT_VALUE_WEIGHTS));
 * assert.deepEqual({ ...DEFAULT_VALUE_WEIGHTS }, { like: 1, save: 1.2, hide: 2 });
 * assert.ok(Object.isFrozen(DEFAULT_VALUE_WEIGHTS));
 * ```
 */
export const DEFAULT_VALUE_WEIGHTS: Readonly<ValueWeights> = Object.freeze({
  like: 1.0,
  save: 1.2,
  hide: 2.0,
});

/**
 * Default score drop per earlier pick of the same author.
 *
 * @example
 * ```ts
 * import { DEFAULT_DIVERSITY_PENALTY, rankPosts } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const c = (postId: string, account: string, like: number, seeds: string[] = []) => ({
 *   post: { postId, account },
 *   probabilities: { like, save: 0, hide: 0 },
 *   seeds,
 * });
 * const ranked = rankPosts([c("p1", "cats", 0.5), c("p2", "cats", 0.5), c("p3", "cats", 0.5)]);
 * assert.deepEqual(ranked.map((r) => r.breakdown.diversityPenalty), [0, DEFAULT_DIVERSITY_PENALTY, 2 * DEFAULT_DIVERSITY_PENALTY]);
 * ```
 */
export const DEFAULT_DIVERSITY_PENALTY = 0.2;
/**
 * Default number of posts returned.
 *
 * @example
 * ```ts
 * import { DEFAULT_RANK_LIMIT, rankPosts } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const c = (postId: string, account: string, like: number, seeds: string[] = []) => ({
 *   post: { postId, account },
 *   probabilities: { like, save: 0, hide: 0 },
 *   seeds,
 * });
 * const many = Array.from({ length: 40 }, (_, i) => c(`p${i}`, `a${i}`, i / 40));
 * assert.equal(rankPosts(many).length, DEFAULT_RANK_LIMIT);
 * assert.equal(rankPosts(many, { limit: Infinity }).length, 40);
 * ```
 */
export const DEFAULT_RANK_LIMIT = 25;

/**
 * One candidate post with its predicted probabilities.
 *
 * @example
 * ```ts
 * import { type RankCandidate, rankPosts } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const candidate: RankCandidate = {
 *   post: { postId: "p1", account: "meowworld" },
 *   probabilities: { like: 0.7, save: 0.4, hide: 0.1 },
 *   seeds: ["catsdaily"],
 *   similarity: 0.93,
 * };
 * const [ranked] = rankPosts([candidate]);
 * assert.deepEqual(ranked!.seeds, ["catsdaily"]);
 * assert.equal(ranked!.similarity, 0.93);
 * ```
 */
export interface RankCandidate {
  /** The post. */
  post: Post;
  /** Predicted P(like), P(save), P(hide). */
  probabilities: ActionScores;
  /** The seed accounts that led to this post, when known. */
  seeds?: string[];
  /** Similarity of the author to the seeds, when known. */
  similarity?: number;
}

/**
 * How a ranked post's score was made: `score = like + save − hide −
 * diversityPenalty`.
 *
 * @example
 * ```ts
 * import { rankPosts, type ScoreBreakdown } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const probabilities = { like: 0.5, save: 0.25, hide: 0.125 };
 * const [first, second] = rankPosts([
 *   { post: { postId: "p1", account: "cats" }, probabilities },
 *   { post: { postId: "p2", account: "cats" }, probabilities },
 * ]);
 * const b: ScoreBreakdown = second!.breakdown;
 * assert.deepEqual(b, { pLike: 0.5, pSave: 0.25, pHide: 0.125, like: 0.5, save: 0.3, hide: 0.25, diversityPenalty: 0.2 });
 * assert.equal(second!.score, b.like + b.save - b.hide - b.diversityPenalty);
 * assert.equal(first!.breakdown.diversityPenalty, 0);
 * ```
 */
export interface ScoreBreakdown {
  /** Predicted P(like). */
  pLike: number;
  /** Predicted P(save). */
  pSave: number;
  /** Predicted P(hide). */
  pHide: number;
  /** w_like·P(like). */
  like: number;
  /** w_save·P(save). */
  save: number;
  /** w_hide·P(hide) (subtracted). */
  hide: number;
  /** Total diversity penalty subtracted when the post was picked (author and seed repeats). */
  diversityPenalty: number;
}

/**
 * One post in the final order.
 *
 * @example
 * ```ts
 * import { type RankedPost, rankPosts } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const ranked: RankedPost[] = rankPosts([
 *   { post: { postId: "p1", account: "cats" }, probabilities: { like: 1, save: 0, hide: 0 } },
 *   { post: { postId: "p2", account: "cats" }, probabilities: { like: 1, save: 0, hide: 0 } },
 * ]);
 * assert.deepEqual(ranked.map((r) => [r.postId, r.account, r.value]), [["p1", "cats", 1], ["p2", "cats", 1]]);
 * assert.equal(ranked[1]!.score, 0.8); // value 1 less one author repeat
 * ```
 */
export interface RankedPost {
  /** The post id. */
  postId: string;
  /** The author. */
  account: string;
  /** The score at the time the post was picked: value − diversity penalty. */
  score: number;
  /** The value model's score, before diversity. */
  value: number;
  /** The parts of the score. */
  breakdown: ScoreBreakdown;
  /** The seed accounts that led to this post, when known. */
  seeds?: string[];
  /** Similarity of the author to the seeds, when known. */
  similarity?: number;
}

/**
 * Options of {@linkcode rankPosts}.
 *
 * @example Penalise repeats of a seed, never two posts of an author in a row
 * ```ts
 * import { type RankOptions, rankPosts } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const c = (postId: string, account: string, like: number, seeds: string[] = []) => ({
 *   post: { postId, account },
 *   probabilities: { like, save: 0, hide: 0 },
 *   seeds,
 * });
 * const candidates = [c("p1", "a", 0.9, ["s1"]), c("p2", "a", 0.85, ["s2"]), c("p3", "b", 0.5, ["s1"]), c("p4", "c", 0.4, ["s2"])];
 * const options: RankOptions = {
 *   weights: { like: 1 },
 *   diversityPenalty: 0,
 *   seedPenalty: 0.3,
 *   noConsecutiveAuthor: true,
 *   limit: 3,
 * };
 * assert.deepEqual(rankPosts(candidates, options).map((r) => r.postId), ["p1", "p4", "p2"]);
 * ```
 */
export interface RankOptions {
  /** Value model weights. Default `{ like: 1.0, save: 1.2, hide: 2.0 }`. */
  weights?: Partial<ValueWeights>;
  /** Score drop per earlier pick of the same author, cumulative. Default `0.2`. */
  diversityPenalty?: number;
  /** Score drop per earlier pick from the same seed account, cumulative. Default `0`. */
  seedPenalty?: number;
  /** Never place two posts by one author in a row when another choice exists. Default `false`. */
  noConsecutiveAuthor?: boolean;
  /** Most posts returned. Default `25`. */
  limit?: number;
}

/**
 * The value of a post: w_like·P(like) + w_save·P(save) − w_hide·P(hide).
 *
 * @param p Predicted probabilities.
 * @param w Weights; missing fields take the defaults (1.0, 1.2, 2.0).
 * @returns The value.
 *
 * @example
 * ```ts
 * import { valueScore } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * // The notebook's example: 0.7 + 1.2 × 0.4 − 2 × 0.1 = 0.98
 * assert.ok(Math.abs(valueScore({ like: 0.7, save: 0.4, hide: 0.1 }) - 0.98) < 1e-12);
 * assert.equal(valueScore({ like: 1, save: 0, hide: 1 }, { like: 1, save: 1, hide: 1 }), 0);
 * ```
 */
export function valueScore(
  p: ActionScores,
  w: Partial<ValueWeights> = DEFAULT_VALUE_WEIGHTS,
): number {
  const weights = resolveWeights(w);
  return weights.like * p.like + weights.save * p.save - weights.hide * p.hide;
}

/**
 * Ranks candidate posts by value with a greedy diversity re-rank.
 *
 * Repeatedly picks the remaining post with the highest value minus its
 * accumulated penalties (ties: lower post id, then lower account id), then
 * lowers every remaining post by the same author by `diversityPenalty` and
 * every remaining post sharing a seed by `seedPenalty`. With
 * `noConsecutiveAuthor`, a post by the previous pick's author is taken only
 * when nothing else remains.
 *
 * @param candidates Posts with predicted probabilities, in any order.
 * @param options Weights, penalties and the limit.
 * @returns Up to `limit` posts, best first.
 * @throws {RangeError} When a weight, penalty or the limit is out of range.
 *
 * @example
 * ```ts
 * import { rankPosts } from "./rank.ts";
 * import assert from "node:assert/strict";
 *
 * const c = (postId: string, account: string, like: number) => ({
 *   post: { postId, account },
 *   probabilities: { like, save: 0, hide: 0 },
 * });
 * const ranked = rankPosts([c("p1", "a", 0.9), c("p2", "a", 0.8), c("p3", "b", 0.7)]);
 * // p2 drops to 0.8 − 0.2 = 0.6 after p1 is picked, so p3 comes second.
 * assert.deepEqual(ranked.map((r) => r.postId), ["p1", "p3", "p2"]);
 * assert.ok(Math.abs(ranked[2]!.score - 0.6) < 1e-12);
 * ```
 */
export function rankPosts(
  candidates: readonly RankCandidate[],
  options: RankOptions = {},
): RankedPost[] {
  const weights = resolveWeights(options.weights ?? {});
  const diversityPenalty = options.diversityPenalty ??
    DEFAULT_DIVERSITY_PENALTY;
  const seedPenalty = options.seedPenalty ?? 0;
  const limit = options.limit ?? DEFAULT_RANK_LIMIT;
  const noConsecutive = options.noConsecutiveAuthor ?? false;
  penalty("diversityPenalty", diversityPenalty);
  penalty("seedPenalty", seedPenalty);
  if (!(limit >= 0) || !(Number.isInteger(limit) || limit === Infinity)) {
    throw new RangeError(
      `Cannot rank posts: limit must be a non-negative integer, got ${limit}`,
    );
  }

  const n = candidates.length;
  const values = new Float64Array(n);
  const penalties = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = candidates[i]!;
    const p = c.probabilities;
    const v = weights.like * p.like + weights.save * p.save -
      weights.hide * p.hide;
    if (Number.isNaN(v)) {
      throw new RangeError(
        `Cannot rank posts: probabilities of "${c.post.postId}" give value NaN`,
      );
    }
    values[i] = v;
  }

  const taken = new Uint8Array(n);
  const authorPicks = new Map<string, number>();
  const out: RankedPost[] = [];
  let lastAuthor: string | undefined;
  const want = Math.min(limit, n);
  while (out.length < want) {
    let best = -1;
    let bestAvoided = -1;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      if (
        noConsecutive && lastAuthor !== undefined &&
        candidates[i]!.post.account === lastAuthor
      ) {
        if (bestAvoided < 0 || better(i, bestAvoided)) bestAvoided = i;
        continue;
      }
      if (best < 0 || better(i, best)) best = i;
    }
    if (best < 0) best = bestAvoided;
    taken[best] = 1;
    const c = candidates[best]!;
    const p = c.probabilities;
    const ranked: RankedPost = {
      postId: c.post.postId,
      account: c.post.account,
      score: values[best]! - penalties[best]!,
      value: values[best]!,
      breakdown: {
        pLike: p.like,
        pSave: p.save,
        pHide: p.hide,
        like: weights.like * p.like,
        save: weights.save * p.save,
        hide: weights.hide * p.hide,
        diversityPenalty: penalties[best]!,
      },
    };
    if (c.seeds !== undefined) ranked.seeds = [...c.seeds];
    if (c.similarity !== undefined) ranked.similarity = c.similarity;
    out.push(ranked);
    lastAuthor = c.post.account;
    authorPicks.set(lastAuthor, (authorPicks.get(lastAuthor) ?? 0) + 1);
    const pickedSeeds = new Set(c.seeds ?? []);
    // Lower the remaining posts that repeat the author or a seed.
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const other = candidates[i]!;
      if (other.post.account === lastAuthor) penalties[i]! += diversityPenalty;
      if (seedPenalty !== 0 && other.seeds !== undefined) {
        for (const s of new Set(other.seeds)) {
          if (pickedSeeds.has(s)) penalties[i]! += seedPenalty;
        }
      }
    }
  }
  return out;

  function better(i: number, j: number): boolean {
    const si = values[i]! - penalties[i]!;
    const sj = values[j]! - penalties[j]!;
    if (si !== sj) return si > sj;
    const a = candidates[i]!.post;
    const b = candidates[j]!.post;
    if (a.postId !== b.postId) return a.postId < b.postId;
    if (a.account !== b.account) return a.account < b.account;
    return values[i]! > values[j]!;
  }
}

function resolveWeights(w: Partial<ValueWeights>): ValueWeights {
  const out = {
    like: w.like ?? DEFAULT_VALUE_WEIGHTS.like,
    save: w.save ?? DEFAULT_VALUE_WEIGHTS.save,
    hide: w.hide ?? DEFAULT_VALUE_WEIGHTS.hide,
  };
  for (const key of ["like", "save", "hide"] as const) {
    if (!Number.isFinite(out[key])) {
      throw new RangeError(
        `Cannot compute value: weight ${key} must be finite, got ${out[key]}`,
      );
    }
  }
  return out;
}

function penalty(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(
      `Cannot rank posts: ${name} must be a finite number >= 0, got ${value}`,
    );
  }
}
