/**
 * Offline evaluation of embeddings: next-item prediction on held-out sessions
 * (HitRate@k, MRR@k, NDCG@k) and category agreement of nearest neighbours.
 *
 * Reference: the next-item protocol of session-based recommendation
 * (Hidasi et al., ICLR 2016; Ludewig and Jannach, 2018) with a single
 * relevant item per test case, and the item2vec evaluation of
 * Caselles-Dupré et al. (RecSys 2018), which ranks by cosine similarity to the
 * previous item. Where we differ: the query items themselves are never
 * recommended (an Explore page does not show the account you just visited),
 * so a target equal to a query item is always a miss.
 *
 * @module
 */

import type { Model } from "./model.ts";
import type { Session } from "./records.ts";
import { Prng } from "./prng.ts";

/**
 * Default cut-offs of {@linkcode evaluate}.
 *
 * @example
 * ```ts
 * import { DEFAULT_EVAL_K, evaluate } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const report = evaluate(model, [["a", "c"]]);
 * assert.deepEqual(report.metrics.map((m) => m.k), [...DEFAULT_EVAL_K]);
 * assert.deepEqual(DEFAULT_EVAL_K, [10, 20]);
 * ```
 */
export const DEFAULT_EVAL_K: readonly number[] = [10, 20];
/**
 * Default number of queries per batched similarity scan. The batch size
 * changes speed and memory only, never the metrics.
 *
 * @example
 * ```ts
 * import { DEFAULT_EVAL_BATCH, evaluate } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const sessions = [["a", "c"], ["b", "e"], ["c", "a"]];
 * assert.equal(DEFAULT_EVAL_BATCH, 256);
 * assert.deepEqual(evaluate(model, sessions, { batch: 1 }), evaluate(model, sessions));
 * ```
 */
export const DEFAULT_EVAL_BATCH = 256;
/**
 * Default neighbours per query of {@linkcode categoryAgreement}. Shares are
 * out of `k` even when the model has fewer other accounts.
 *
 * @example
 * ```ts
 * import { categoryAgreement, DEFAULT_AGREEMENT_K } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a", "b"], [1, 1]), dim: 1, input: Float32Array.of(1, 1) });
 * const result = categoryAgreement(model, new Map([["a", ["x"]], ["b", ["x"]]]));
 * assert.equal(DEFAULT_AGREEMENT_K, 10);
 * assert.equal(result.agreement, 1 / DEFAULT_AGREEMENT_K);
 * ```
 */
export const DEFAULT_AGREEMENT_K = 10;

/**
 * How the query of a test session is formed.
 *
 * @example The mean of the last two items finds what the last one misses
 * ```ts
 * import { evaluate, type EvaluationQuery } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const hitAt1 = (query: EvaluationQuery) => evaluate(model, [["a", "b", "c"]], { k: [1], query }).metrics[0]!.hitRate;
 * assert.equal(hitAt1("last"), 0); // from b alone, e comes before c
 * assert.equal(hitAt1({ mean: 2 }), 1); // the mean of a and b points at c
 * ```
 */
export type EvaluationQuery = "last" | { mean: number };

/**
 * Options of {@linkcode evaluate}.
 *
 * @example
 * ```ts
 * import { type EvaluateOptions, evaluate } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const options: EvaluateOptions = { k: [2, 1], query: { mean: 2 }, batch: 8 };
 * const report = evaluate(model, [["a", "b", "c"], ["b", "e"]], options);
 * assert.deepEqual(report.metrics.map((m) => m.k), [1, 2]);
 * assert.deepEqual(report.query, { mean: 2 });
 * ```
 */
export interface EvaluateOptions {
  /** Cut-offs, positive integers. Default `[10, 20]`. */
  k?: readonly number[];
  /**
   * `"last"`: the item just before the target; `{ mean: n }`: the mean of the
   * normalised vectors of the (up to) `n` items just before the target.
   * Default `"last"`.
   */
  query?: EvaluationQuery;
  /** Queries per batched similarity scan. Default `256`. */
  batch?: number;
  /**
   * Called after each batched scan and once at the end with the number of
   * test sessions read so far (skipped ones included). Default none.
   */
  onProgress?: (sessionsRead: number) => void;
}

/**
 * The metrics at one cut-off.
 *
 * @example A target at rank 2
 * ```ts
 * import { evaluate, type MetricsAtK } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * // From b, the ranking is e, c, a: the target c is second.
 * const [atOne, atTwo] = evaluate(model, [["b", "c"]], { k: [1, 2] }).metrics as [MetricsAtK, MetricsAtK];
 * assert.deepEqual(atOne, { k: 1, hitRate: 0, mrr: 0, ndcg: 0 });
 * assert.deepEqual(atTwo, { k: 2, hitRate: 1, mrr: 1 / 2, ndcg: 1 / Math.log2(3) });
 * ```
 */
export interface MetricsAtK {
  /** The cut-off. */
  k: number;
  /** Share of test sessions whose target is among the first `k`. */
  hitRate: number;
  /** Mean of `1 / rank` (0 when the rank is above `k`). */
  mrr: number;
  /** Mean of `1 / log2(rank + 1)` (0 when the rank is above `k`). */
  ndcg: number;
}

/**
 * The result of {@linkcode evaluate}.
 *
 * @example What was counted, and why sessions missed
 * ```ts
 * import { evaluate, type EvaluationReport } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const report: EvaluationReport = evaluate(model, [
 *   ["a", "c"], // a hit
 *   ["a", "new"], // the target is not in the model
 *   ["new", "a"], // no query item is in the model
 *   ["a", "a"], // the target repeats the query
 *   ["a"], // too short: skipped
 * ], { k: [3] });
 * assert.equal(report.sessions, 4);
 * assert.equal(report.skipped, 1);
 * assert.equal(report.unknownTargets, 1);
 * assert.equal(report.unknownQueries, 1);
 * assert.equal(report.repeatedTargets, 1);
 * assert.equal(report.metrics[0]!.hitRate, 1 / 4);
 * ```
 */
export interface EvaluationReport {
  /** One entry per cut-off, ascending `k`. */
  metrics: MetricsAtK[];
  /** Test sessions evaluated (length ≥ 2); the denominator of every metric. */
  sessions: number;
  /** Sessions skipped because they have fewer than 2 items. */
  skipped: number;
  /** Evaluated sessions whose target is not in the model (counted as misses). */
  unknownTargets: number;
  /** Evaluated sessions none of whose query items is in the model (counted as misses). */
  unknownQueries: number;
  /** Evaluated sessions whose target is one of their query items (excluded, so a miss). */
  repeatedTargets: number;
  /** The query mode used. */
  query: EvaluationQuery;
}

interface Pending {
  target: number;
  exclude: number[];
}

/**
 * Next-item prediction on held-out sessions.
 *
 * Protocol. Each test session `s` of length `n ≥ 2` is one test case
 * (shorter sessions are skipped and counted in `skipped`). The target is the
 * last item `s[n-1]`. The query is the item before it, `s[n-2]` (`"last"`),
 * or, with `{ mean: m }`, the mean of the L2-normalised vectors of the items
 * `s[max(0, n-1-m)] … s[n-2]` that the model knows (unknown ones are left
 * out). Every account of the model except the query items is ranked by cosine
 * similarity to the query, ties broken by vocabulary index; the target's rank
 * `r` (1-based) gives HitRate@k = `[r ≤ k]`, MRR@k = `[r ≤ k] / r` and
 * NDCG@k = `[r ≤ k] / log2(r + 1)` (one relevant item, so the ideal DCG is
 * 1). Metrics are means over all evaluated sessions. A target unknown to the
 * model, a query with no known item, and a target equal to a query item are
 * misses, counted in `unknownTargets`, `unknownQueries` and
 * `repeatedTargets`. Queries are scanned in batches with
 * {@linkcode Model.similarBatch}; `onProgress` hears after each scan.
 *
 * @param model The embeddings.
 * @param sessions Test sessions, as account lists or {@linkcode Session}s.
 * @param options Cut-offs, query mode, batch size and a progress callback.
 * @returns The metrics and counts.
 * @throws {RangeError} When a cut-off, the mean length or the batch size is not a positive integer.
 *
 * @example
 * ```ts
 * import { evaluate } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a is closest to b, then c; d is opposite.
 * const vocab = new Vocabulary(["a", "b", "c", "d"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0.9, 0.3, 0.5, 0.8, -1, 0);
 * const model = new Model({ vocab, dim: 2, input });
 * const report = evaluate(model, [["a", "b"], ["a", "c"], ["a"]], { k: [1, 2] });
 * assert.equal(report.sessions, 2);
 * assert.equal(report.metrics[0]!.hitRate, 0.5); // b is rank 1, c rank 2
 * assert.equal(report.metrics[1]!.mrr, (1 + 1 / 2) / 2);
 * ```
 */
export function evaluate(
  model: Model,
  sessions: Iterable<readonly string[] | Session>,
  options: EvaluateOptions = {},
): EvaluationReport {
  const ks = resolveCutoffs(options.k ?? DEFAULT_EVAL_K);
  const query = options.query ?? "last";
  const span = querySpan(query);
  const batch = options.batch ?? DEFAULT_EVAL_BATCH;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(
      `Cannot evaluate: batch must be a positive integer, got ${batch}`,
    );
  }
  const kMax = ks[ks.length - 1]!;
  const dim = model.dim;
  const vocab = model.vocab;
  const normalized = model.normalized();
  const hits = new Float64Array(ks.length);
  const reciprocal = new Float64Array(ks.length);
  const gains = new Float64Array(ks.length);
  let evaluated = 0;
  let skipped = 0;
  let unknownTargets = 0;
  let unknownQueries = 0;
  let repeatedTargets = 0;

  const queries = new Float32Array(batch * dim);
  const pending: Pending[] = [];

  const score = (rank: number): void => {
    for (let i = 0; i < ks.length; i++) {
      if (rank <= ks[i]!) {
        hits[i]! += 1;
        reciprocal[i]! += 1 / rank;
        gains[i]! += 1 / Math.log2(rank + 1);
      }
    }
  };

  const flush = (): void => {
    if (pending.length === 0) return;
    let maxExclude = 0;
    for (const p of pending) {
      maxExclude = Math.max(maxExclude, p.exclude.length);
    }
    const want = Math.min(kMax + maxExclude, model.size);
    const lists = model.similarBatch(
      queries.subarray(0, pending.length * dim),
      want,
    );
    for (let q = 0; q < pending.length; q++) {
      const { target, exclude } = pending[q]!;
      let rank = 0;
      for (const neighbor of lists[q]!) {
        if (exclude.includes(neighbor.index)) continue;
        rank++;
        if (rank > kMax) break;
        if (neighbor.index === target) {
          score(rank);
          break;
        }
      }
    }
    pending.length = 0;
  };

  for (const session of sessions) {
    const accounts = Array.isArray(session)
      ? session as readonly string[]
      : (session as Session).accounts;
    const n = accounts.length;
    if (n < 2) {
      skipped++;
      continue;
    }
    evaluated++;
    const target = vocab.index(accounts[n - 1]!);
    const exclude: number[] = [];
    for (let i = Math.max(0, n - 1 - span); i < n - 1; i++) {
      const index = vocab.index(accounts[i]!);
      if (index !== undefined) exclude.push(index);
    }
    if (target === undefined) unknownTargets++;
    if (exclude.length === 0) unknownQueries++;
    if (target === undefined || exclude.length === 0) continue;
    if (exclude.includes(target)) {
      repeatedTargets++;
      continue;
    }
    const row = queries.subarray(
      pending.length * dim,
      (pending.length + 1) * dim,
    );
    row.fill(0);
    for (const index of exclude) {
      const base = index * dim;
      for (let j = 0; j < dim; j++) row[j]! += normalized[base + j]!;
    }
    for (let j = 0; j < dim; j++) row[j]! /= exclude.length;
    pending.push({ target, exclude });
    if (pending.length === batch) {
      flush();
      options.onProgress?.(evaluated + skipped);
    }
  }
  flush();
  options.onProgress?.(evaluated + skipped);

  const denominator = Math.max(evaluated, 1);
  return {
    metrics: ks.map((k, i) => ({
      k,
      hitRate: hits[i]! / denominator,
      mrr: reciprocal[i]! / denominator,
      ndcg: gains[i]! / denominator,
    })),
    sessions: evaluated,
    skipped,
    unknownTargets,
    unknownQueries,
    repeatedTargets,
    query,
  };
}

/**
 * Options of {@linkcode categoryAgreement}.
 *
 * @example Two neighbours each, for one query account drawn at random
 * ```ts
 * import { categoryAgreement, type CategoryAgreementOptions } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const genres = new Map([["a", ["x"]], ["b", ["y"]], ["c", ["x", "y"]], ["e", ["y"]]]);
 * const options: CategoryAgreementOptions = { k: 2, sample: 1, seed: 3 };
 * const result = categoryAgreement(model, genres, options);
 * assert.equal(result.evaluated, 1);
 * assert.deepEqual(result, categoryAgreement(model, genres, options));
 * ```
 */
export interface CategoryAgreementOptions {
  /** Neighbours per query account. Default `10`. */
  k?: number;
  /** Evaluate at most this many query accounts, drawn at random. Default all. */
  sample?: number;
  /** Seed of the sample. Default `1`. */
  seed?: number;
}

/**
 * The result of {@linkcode categoryAgreement}.
 *
 * @example Accounts without categories are not queries
 * ```ts
 * import { type CategoryAgreement, categoryAgreement } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // a and b are orthogonal; c lies between them; e is close to b.
 * const vocab = new Vocabulary(["a", "b", "c", "e"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.7, 0.7, 0.1, 1);
 * const model = new Model({ vocab, dim: 2, input });
 * const genres = new Map([["b", ["y"]], ["e", ["y"]]]);
 * const result: CategoryAgreement = categoryAgreement(model, genres, { k: 1 });
 * assert.equal(result.evaluated, 2);
 * assert.equal(result.agreement, 1); // b and e are each other's nearest
 * assert.equal(result.popularityBaseline, 0); // a and b, the most frequent, share nothing with them
 * ```
 */
export interface CategoryAgreement {
  /** Mean share of a query's `k` nearest neighbours sharing a category with it. */
  agreement: number;
  /** The same share for the `k` most frequent accounts (other than the query). */
  popularityBaseline: number;
  /** Query accounts evaluated: those in the model with at least one category. */
  evaluated: number;
}

/**
 * How often nearest neighbours share a category with their query, against a
 * popularity baseline.
 *
 * For each account of the model with at least one category (or a seeded
 * random sample of `sample` of them), take its `k` nearest neighbours by
 * cosine (itself excluded) and count the share that have at least one
 * category in common with it; neighbours without categories count as not
 * sharing. The baseline does the same with the `k` most frequent accounts of
 * the vocabulary other than the query. Both are means over the queries.
 *
 * @param model The embeddings.
 * @param categories Categories per account id (e.g. MovieLens genres).
 * @param options Neighbours per query and sample size.
 * @returns Agreement, baseline and the number of queries.
 * @throws {RangeError} When `k` or `sample` is not a positive integer.
 *
 * @example
 * ```ts
 * import { categoryAgreement } from "./evaluate.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Two clusters: {a, b} (x axis) and {c, d} (y axis); a and c are the most frequent.
 * const vocab = new Vocabulary(["a", "c", "b", "d"], [4, 3, 2, 1]);
 * const input = Float32Array.of(1, 0, 0, 1, 0.9, 0.1, 0.1, 0.9);
 * const model = new Model({ vocab, dim: 2, input });
 * const genres = new Map([["a", ["x"]], ["b", ["x"]], ["c", ["y"]], ["d", ["y"]]]);
 * const result = categoryAgreement(model, genres, { k: 1 });
 * assert.equal(result.agreement, 1);
 * assert.equal(result.popularityBaseline, 0.25); // a→c, c→a, b→a (shared), d→a
 * ```
 */
export function categoryAgreement(
  model: Model,
  categories: ReadonlyMap<string, readonly string[]>,
  options: CategoryAgreementOptions = {},
): CategoryAgreement {
  const k = options.k ?? DEFAULT_AGREEMENT_K;
  positiveInteger("k", k, "measure category agreement");
  const vocab = model.vocab;
  let queries: number[] = [];
  for (let i = 0; i < vocab.size; i++) {
    const own = categories.get(vocab.word(i));
    if (own !== undefined && own.length > 0) queries.push(i);
  }
  if (options.sample !== undefined) {
    positiveInteger("sample", options.sample, "measure category agreement");
    if (options.sample < queries.length) {
      const prng = new Prng(options.seed ?? 1);
      for (let i = 0; i < options.sample; i++) {
        const j = i + prng.int(queries.length - i);
        [queries[i], queries[j]] = [queries[j]!, queries[i]!];
      }
      queries = queries.slice(0, options.sample).sort((a, b) => a - b);
    }
  }
  const popular: number[] = [];
  for (let i = 0; i < vocab.size; i++) popular.push(i);
  popular.sort((a, b) => vocab.count(b) - vocab.count(a) || a - b);
  popular.length = Math.min(popular.length, k + 1);

  const shares = (query: number, neighbors: Iterable<number>): number => {
    const own = new Set(categories.get(vocab.word(query)) ?? []);
    let shared = 0;
    let seen = 0;
    for (const index of neighbors) {
      if (index === query) continue;
      if (seen === k) break;
      seen++;
      const theirs = categories.get(vocab.word(index)) ?? [];
      if (theirs.some((c) => own.has(c))) shared++;
    }
    return shared / k;
  };

  const dim = model.dim;
  let agreement = 0;
  let baseline = 0;
  const want = Math.min(k + 1, model.size);
  for (let start = 0; start < queries.length; start += DEFAULT_EVAL_BATCH) {
    const block = queries.slice(start, start + DEFAULT_EVAL_BATCH);
    const vectors = new Float32Array(block.length * dim);
    for (let q = 0; q < block.length; q++) {
      vectors.set(
        model.input.subarray(block[q]! * dim, (block[q]! + 1) * dim),
        q * dim,
      );
    }
    const lists = model.similarBatch(vectors, want);
    for (let q = 0; q < block.length; q++) {
      agreement += shares(block[q]!, lists[q]!.map((n) => n.index));
      baseline += shares(block[q]!, popular);
    }
  }
  const n = Math.max(queries.length, 1);
  return {
    agreement: agreement / n,
    popularityBaseline: baseline / n,
    evaluated: queries.length,
  };
}

function resolveCutoffs(k: readonly number[]): number[] {
  if (k.length === 0) {
    throw new RangeError("Cannot evaluate: k must list at least one cut-off");
  }
  for (const value of k) positiveInteger("k", value, "evaluate");
  return [...new Set(k)].sort((a, b) => a - b);
}

function querySpan(query: EvaluationQuery): number {
  if (query === "last") return 1;
  if (typeof query === "object" && query !== null && "mean" in query) {
    positiveInteger("query mean", query.mean, "evaluate");
    return query.mean;
  }
  throw new TypeError(
    `Cannot evaluate: query must be "last" or { mean: n }, got ${
      JSON.stringify(query)
    }`,
  );
}

function positiveInteger(name: string, value: number, action: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot ${action}: ${name} must be a positive integer, got ${value}`,
    );
  }
}
