/**
 * The Explore pipeline: a user's recent sessions in, a ranked first page of
 * posts out, with every stage's size reported.
 *
 * What: seeds (recent accounts) → recommended accounts (embeddings) →
 * candidate posts (hundreds) → cheap preselection by author similarity →
 * the trained {@linkcode PostScorer} (P(like), P(save), P(hide)) → the value
 * model → the greedy diversity re-rank → the first page (25 posts), whose
 * first nine posts (one 3×3 grid) are by nine different authors.
 *
 * Reference: the reference notebook's Parts 1–2 (seed accounts, account
 * recommendation, candidate posts, value model, diversity, grid) and
 * Instagram's Explore write-up (sourcing from seed accounts, a cheap first
 * pass before the expensive ranker). Where we differ: the notebook scored
 * posts with random numbers or an untrained network and applied the
 * diversity penalty in input order; here the scorer is trained on
 * interaction logs, the re-rank is greedy, followed accounts and seen posts
 * are excluded, and the funnel's sizes are part of the result.
 *
 * @module
 */

import { type CandidateOrder, candidatePosts } from "./candidates.ts";
import type { Model } from "./model.ts";
import {
  type RankCandidate,
  type RankedPost,
  rankPosts,
  type ValueWeights,
} from "./rank.ts";
import {
  recommendAccounts,
  type RecommendedAccount,
  type RecommendStrategy,
} from "./recommend.ts";
import type { Post, Session } from "./records.ts";
import {
  buildScorerExamples,
  PostScorer,
  type ScorerReport,
  type ScorerTrainOptions,
  userVector,
} from "./scorer.ts";
import { seedAccounts, type SeedMode } from "./seeds.ts";
import { chronological } from "./_sessions.ts";
import { simulateWorld, type World, type WorldOptions } from "./simulate.ts";
import { trainSync } from "./train.ts";
import type { TrainOptions } from "./train_options.ts";

/**
 * Default recommended accounts posts are sourced from.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_EXPLORE_ACCOUNTS, explore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * assert.equal(DEFAULT_EXPLORE_ACCOUNTS, 50);
 * assert.ok(explore(context).accounts.length <= DEFAULT_EXPLORE_ACCOUNTS);
 * assert.equal(explore(context, { accounts: 2 }).accounts.length, 2);
 * ```
 */
export const DEFAULT_EXPLORE_ACCOUNTS = 50;
/**
 * Default candidates kept by the cheap similarity pass before the scorer.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_PRESELECT, explore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const { funnel } = explore(context);
 * assert.equal(funnel.preselected, Math.min(funnel.candidates, DEFAULT_PRESELECT));
 * assert.equal(explore(context, { preselect: 5 }).funnel.scored, 5);
 * ```
 */
export const DEFAULT_PRESELECT = 200;
/**
 * Default posts on the first page.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_PAGE_SIZE, explore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const page = explore(context);
 * assert.equal(DEFAULT_PAGE_SIZE, 25);
 * assert.equal(page.posts.length, Math.min(DEFAULT_PAGE_SIZE, page.funnel.scored));
 * ```
 */
export const DEFAULT_PAGE_SIZE = 25;
/**
 * Default number of leading posts by distinct authors: one 3×3 grid.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_DISTINCT_AUTHORS, explore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const page = explore(context);
 * const authors = new Set(page.posts.map((p) => p.account)).size;
 * const lead = page.posts.slice(0, DEFAULT_DISTINCT_AUTHORS).map((p) => p.account);
 * assert.equal(new Set(lead).size, Math.min(DEFAULT_DISTINCT_AUTHORS, authors));
 * ```
 */
export const DEFAULT_DISTINCT_AUTHORS = 9;
/**
 * Default recent account visits averaged into the user's vector for the
 * scorer (the rule of {@linkcode userVector}).
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_USER_RECENT_ACCOUNTS, explore } from "./explore.ts";
 * import { userVector } from "./scorer.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const first = explore(context).posts[0]!;
 * const post = context.postsByAccount.get(first.account)!.find((p) => p.postId === first.postId)!;
 * const expected = context.scorer.predict({
 *   userVector: userVector(built.model, context.history, DEFAULT_USER_RECENT_ACCOUNTS)!,
 *   accountVector: built.model.vector(first.account)!,
 *   post,
 *   now: Math.max(...context.history.map((s) => s.ts!)),
 * });
 * assert.equal(first.breakdown.pLike, expected.like);
 * assert.equal(first.breakdown.pHide, expected.hide);
 * ```
 */
export const DEFAULT_USER_RECENT_ACCOUNTS = 20;

/**
 * What {@linkcode explore} needs to know about the user and the catalogue.
 *
 * @example A context for a user with one session, following nobody
 * ```ts
 * import { buildExploreWorld, explore, type ExploreContext } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const visited = built.model.vocab.words.slice(0, 3);
 * const context: ExploreContext = {
 *   model: built.model,
 *   scorer: built.scorer,
 *   history: [{ accounts: visited, ts: 1000 }],
 *   postsByAccount: built.world.postsByAccount,
 *   user: "newcomer",
 * };
 * const page = explore(context, { pageSize: 9 });
 * assert.equal(page.user, "newcomer");
 * assert.deepEqual(page.recentSession, visited);
 * assert.equal(page.posts.length, 9);
 * assert.ok(page.posts.every((p) => !visited.includes(p.account)));
 * ```
 */
export interface ExploreContext {
  /** The account embeddings. */
  model: Model;
  /** The trained post scorer (its `dim` must match the model's). */
  scorer: PostScorer;
  /** The user's sessions, oldest first (ordered by `ts` when every session has one). */
  history: readonly Session[];
  /** Posts by author id. */
  postsByAccount: ReadonlyMap<string, readonly Post[]>;
  /** Accounts the user follows: never recommended (Explore shows new sources). Default none. */
  follows?: Iterable<string>;
  /** Post ids the user has already seen: never shown again. Default none. */
  seen?: Iterable<string>;
  /** The user id reported in the page. Default the `user` of the history's sessions, else `""`. */
  user?: string;
  /** Current time, seconds since the epoch, for post ages. Default the latest `ts` in the history, else unknown. */
  now?: number;
}

/**
 * Options of {@linkcode explore}. Every field is optional.
 *
 * @example A small page from few accounts, one post each
 * ```ts
 * import { buildExploreWorld, explore, type ExploreOptions } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const options: ExploreOptions = { accounts: 6, perAccount: 1, pageSize: 6, distinctAuthors: 6, strategy: "mean" };
 * const page = explore(context, options);
 * assert.ok(page.accounts.length <= 6);
 * assert.equal(page.funnel.candidates, page.posts.length);
 * assert.equal(new Set(page.posts.map((p) => p.account)).size, page.posts.length);
 * ```
 */
export interface ExploreOptions {
  /** How seeds become recommended accounts. Default `"per-seed"`. */
  strategy?: RecommendStrategy;
  /** How seeds are picked from the history. Default `"recent"`. */
  seedMode?: SeedMode;
  /** The most seed accounts. Default `30`. */
  seedBudget?: number;
  /** Recommended accounts posts are sourced from. Default `50`. */
  accounts?: number;
  /** Posts per recommended account. Default `10`. */
  perAccount?: number;
  /** Which posts of an account are taken. Default `"newest"`. */
  candidateOrder?: CandidateOrder;
  /** Candidates kept by author similarity before the scorer. Default `200`. */
  preselect?: number;
  /** Value model weights. Default `{ like: 1.0, save: 1.2, hide: 2.0 }`. */
  weights?: Partial<ValueWeights>;
  /** Score drop per earlier pick of the same author. Default `0.2`. */
  diversityPenalty?: number;
  /** Score drop per earlier pick from the same seed. Default `0`. */
  seedPenalty?: number;
  /** Never put two posts by one author in a row when avoidable. Default `false`. */
  noConsecutiveAuthor?: boolean;
  /** The first this many posts are by distinct authors whenever enough authors remain; `0` turns the rule off. Default `9` (one 3×3 grid). */
  distinctAuthors?: number;
  /** Posts on the page. Default `25`. */
  pageSize?: number;
  /** Recent account visits averaged into the user's vector for the scorer. Default `20`. */
  recentAccounts?: number;
  /** With `strategy: "clusters"`, the number of seed groups. Default `"auto"`. */
  clusters?: number | "auto";
  /** Random seed of the clustering. Default `1`. */
  seed?: number;
}

/**
 * How many items each stage of the funnel held.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, explore, type ExploreFunnel } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const funnel: ExploreFunnel = explore(context, { preselect: 20, pageSize: 12 }).funnel;
 * assert.ok(funnel.candidates >= 20);
 * assert.equal(funnel.preselected, 20);
 * assert.equal(funnel.scored, 20);
 * assert.equal(funnel.page, 12);
 * ```
 */
export interface ExploreFunnel {
  /** Posts of the recommended accounts, minus seen ones. */
  candidates: number;
  /** Kept by the cheap similarity pass. */
  preselected: number;
  /** Scored by the PostScorer. */
  scored: number;
  /** On the page. */
  page: number;
}

/**
 * One Explore page.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, explore, type ExplorePage } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 10, users: 20 }, train: { dim: 8 } });
 * const context = built.context(built.world.users[0]!.id);
 * const page: ExplorePage = explore(context);
 * const seen = new Set(context.seen);
 * assert.equal(page.user, built.world.users[0]!.id);
 * assert.ok(page.posts.every((p) => !seen.has(p.postId)));
 * assert.ok(page.posts.every((p) => page.accounts.some((a) => a.account === p.account)));
 * assert.equal(page.funnel.page, page.posts.length);
 * ```
 */
export interface ExplorePage {
  /** The user id. */
  user: string;
  /** The seed accounts, most recent first. */
  seeds: string[];
  /** The accounts of the user's most recent non-empty session. */
  recentSession: string[];
  /** The recommended accounts posts were sourced from. */
  accounts: RecommendedAccount[];
  /** The ranked posts, best first, with their score breakdown and seeds. */
  posts: RankedPost[];
  /** The sizes of the stages. */
  funnel: ExploreFunnel;
}

/**
 * Builds a user's Explore page.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, explore } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 4, accountsPerTopic: 10, users: 60 } });
 * const user = built.world.users[0]!.id;
 * const page = explore(built.context(user), { pageSize: 9 });
 * assert.equal(page.user, user);
 * assert.equal(page.posts.length, 9);
 * assert.ok(page.funnel.candidates >= page.funnel.preselected);
 * assert.ok(page.posts.every((p) => !page.seeds.includes(p.account)));
 * ```
 *
 * @param context The model, scorer, the user's history and the catalogue.
 * @param options Sizes and weights of each stage.
 * @returns The page; empty when no seed account is known to the model.
 * @throws {RangeError} When an option is out of range.
 * @throws {TypeError} When the scorer's dimension differs from the model's.
 */
export function explore(
  context: ExploreContext,
  options: ExploreOptions = {},
): ExplorePage {
  const { model, scorer, history } = context;
  if (scorer.dim !== model.dim) {
    throw new TypeError(
      `Cannot explore: the scorer expects dim ${scorer.dim}, the model has dim ${model.dim}`,
    );
  }
  const preselect = options.preselect ?? DEFAULT_PRESELECT;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const recentAccounts = options.recentAccounts ??
    DEFAULT_USER_RECENT_ACCOUNTS;
  const distinctAuthors = options.distinctAuthors ?? DEFAULT_DISTINCT_AUTHORS;
  for (
    const [name, value] of [
      ["preselect", preselect],
      ["pageSize", pageSize],
      ["recentAccounts", recentAccounts],
      ["distinctAuthors", distinctAuthors],
    ] as const
  ) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(
        `Cannot explore: ${name} must be a non-negative integer, got ${value}`,
      );
    }
  }
  const ordered = chronological(history);
  const seeds = seedAccounts(ordered, {
    mode: options.seedMode,
    budget: options.seedBudget,
  });
  const recentSession = [
    ...(ordered.findLast((s) => s.accounts.length > 0)?.accounts ?? []),
  ];
  const user = context.user ??
    history.find((s) => s.user !== undefined)?.user ??
    "";
  const accounts = recommendAccounts(model, seeds, {
    k: options.accounts ?? DEFAULT_EXPLORE_ACCOUNTS,
    strategy: options.strategy,
    exclude: context.follows,
    clusters: options.clusters,
    seed: options.seed,
  });
  const candidates = candidatePosts(accounts, context.postsByAccount, {
    perAccount: options.perAccount,
    order: options.candidateOrder,
    exclude: context.seen,
  });
  // Cheap pass: keep the candidates whose authors are closest to the seeds
  // (stable, so ties keep the recommendation order).
  const preselected = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.similarity - a.c.similarity || a.i - b.i)
    .slice(0, preselect)
    .map((e) => e.c);
  const meanVector = userVector(model, ordered, recentAccounts);
  const now = context.now ?? latestTs(ordered);
  const vectors = new Map<string, Float32Array>();
  const scored: RankCandidate[] = [];
  if (meanVector !== undefined) {
    for (const c of preselected) {
      let accountVector = vectors.get(c.post.account);
      if (accountVector === undefined) {
        accountVector = model.vector(c.post.account)!;
        vectors.set(c.post.account, accountVector);
      }
      const probabilities = scorer.predict({
        userVector: meanVector,
        accountVector,
        post: c.post,
        now,
      });
      scored.push({
        post: c.post,
        probabilities,
        seeds: c.because,
        similarity: c.similarity,
      });
    }
  }
  const ranked = rankPosts(scored, {
    weights: options.weights,
    diversityPenalty: options.diversityPenalty,
    seedPenalty: options.seedPenalty,
    noConsecutiveAuthor: options.noConsecutiveAuthor,
    limit: distinctAuthors > 0 ? scored.length : pageSize,
  });
  const posts = distinctLead(ranked, distinctAuthors).slice(0, pageSize);
  return {
    user,
    seeds,
    recentSession,
    accounts,
    posts,
    funnel: {
      candidates: candidates.length,
      preselected: preselected.length,
      scored: scored.length,
      page: posts.length,
    },
  };
}

/**
 * Moves repeated authors out of the first `lead` posts: walking the ranked
 * list, a post whose author is already in the lead waits and is placed
 * right after the lead, keeping its rank order. The additive penalty alone
 * cannot promise distinct authors when one author's posts are far ahead.
 */
function distinctLead(ranked: RankedPost[], lead: number): RankedPost[] {
  if (lead === 0) return ranked;
  const out: RankedPost[] = [];
  const waiting: RankedPost[] = [];
  const authors = new Set<string>();
  for (const post of ranked) {
    if (out.length < lead) {
      if (authors.has(post.account)) {
        waiting.push(post);
      } else {
        authors.add(post.account);
        out.push(post);
      }
      continue;
    }
    if (waiting.length > 0) out.push(...waiting.splice(0));
    out.push(post);
  }
  out.push(...waiting);
  return out;
}

function latestTs(history: readonly Session[]): number | undefined {
  let latest: number | undefined;
  for (const s of history) {
    if (s.ts !== undefined && (latest === undefined || s.ts > latest)) {
      latest = s.ts;
    }
  }
  return latest;
}

/**
 * Options of {@linkcode buildExploreWorld}.
 *
 * @example One seed makes the same world, model and scorer
 * ```ts
 * import { type BuildExploreWorldOptions, buildExploreWorld } from "./explore.ts";
 * import { encodeModel } from "./model_io.ts";
 * import assert from "node:assert/strict";
 *
 * const options: BuildExploreWorldOptions = {
 *   world: { topics: 2, accountsPerTopic: 6, users: 12 },
 *   train: { dim: 8, epochs: 2 },
 *   scorer: { epochs: 5 },
 *   seed: 4,
 * };
 * const a = buildExploreWorld(options);
 * const b = buildExploreWorld(options);
 * assert.equal(a.model.params.epochs, 2);
 * assert.deepEqual(encodeModel(a.model), encodeModel(b.model));
 * assert.deepEqual(a.scorer.toJSON(), b.scorer.toJSON());
 * ```
 */
export interface BuildExploreWorldOptions {
  /** The simulated world. Default `{ seed }` (12 topics, 25 accounts each, 400 users). */
  world?: WorldOptions;
  /** Embedding training. Default `{ dim: 32, epochs: 5, seed }`. */
  train?: TrainOptions;
  /** Scorer training. Default `{ seed }`. */
  scorer?: ScorerTrainOptions;
  /** The seed of every stage whose options do not set one. Default `1`. */
  seed?: number;
}

/**
 * A simulated world with its trained embeddings and scorer.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, type ExploreWorld } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built: ExploreWorld = buildExploreWorld({ world: { topics: 2, accountsPerTopic: 6, users: 12 }, train: { dim: 8 } });
 * assert.equal(built.model.size, built.world.accounts.length);
 * assert.equal(built.scorer.dim, built.model.dim);
 * assert.ok(built.report.auc.like > 0.5);
 * const user = built.world.users[3]!;
 * assert.deepEqual(built.context(user.id).follows, user.follows);
 * assert.throws(() => built.context("nobody"), RangeError);
 * ```
 */
export interface ExploreWorld {
  /** The simulated world, with ground truth. */
  world: World;
  /** Embeddings trained on the world's sessions. */
  model: Model;
  /** The scorer trained on the world's interaction logs. */
  scorer: PostScorer;
  /** The scorer's validation quality (AUC per action and the random baseline's). */
  report: ScorerReport;
  /**
   * The {@linkcode ExploreContext} of one user: their sessions, follows, and
   * the posts they were already shown as `seen`.
   *
   * @param user A user id of the world.
   * @returns The context for {@linkcode explore}.
   */
  context(user: string): ExploreContext;
}

/**
 * Default embedding dimension of {@linkcode buildExploreWorld}.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_WORLD_DIM } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 2, accountsPerTopic: 5, users: 10 } });
 * assert.equal(built.model.dim, DEFAULT_WORLD_DIM);
 * assert.equal(DEFAULT_WORLD_DIM, 32);
 * ```
 */
export const DEFAULT_WORLD_DIM = 32;
/**
 * Default embedding epochs of {@linkcode buildExploreWorld}.
 *
 * @example
 * ```ts
 * import { buildExploreWorld, DEFAULT_WORLD_EPOCHS } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 2, accountsPerTopic: 5, users: 10 }, train: { dim: 8 } });
 * assert.equal(built.model.params.epochs, DEFAULT_WORLD_EPOCHS);
 * assert.equal(DEFAULT_WORLD_EPOCHS, 5);
 * ```
 */
export const DEFAULT_WORLD_EPOCHS = 5;

/**
 * Simulates a world, trains embeddings on its sessions and a scorer on its
 * interactions: everything {@linkcode explore} needs, for demos and tests.
 *
 * @example
 * ```ts
 * import { buildExploreWorld } from "./explore.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildExploreWorld({ world: { topics: 3, accountsPerTopic: 8, users: 40 } });
 * assert.equal(built.model.size, 24);
 * assert.ok(built.report.auc.like > 0.5);
 * assert.equal(built.context(built.world.users[1]!.id).history.length, 8);
 * ```
 *
 * @param options The world, training and scorer options.
 * @returns The world, model, scorer, scorer report and a context builder.
 * @throws {RangeError} When the world user is unknown in `context()`.
 */
export function buildExploreWorld(
  options: BuildExploreWorldOptions = {},
): ExploreWorld {
  const seed = options.seed ?? 1;
  const world = simulateWorld({ seed, ...options.world });
  const model = trainSync(world.sessions, {
    dim: DEFAULT_WORLD_DIM,
    epochs: DEFAULT_WORLD_EPOCHS,
    seed,
    ...options.train,
  });
  const examples = buildScorerExamples(model, {
    sessions: world.sessions,
    posts: world.posts,
    interactions: world.interactions,
  });
  const { scorer, report } = PostScorer.train(examples, {
    seed,
    ...options.scorer,
  });
  const seenByUser = new Map<string, Set<string>>();
  for (const x of world.interactions) {
    let seen = seenByUser.get(x.user);
    if (seen === undefined) seenByUser.set(x.user, seen = new Set());
    seen.add(x.postId);
  }
  const users = new Map(world.users.map((u) => [u.id, u]));
  return {
    world,
    model,
    scorer,
    report,
    context(user: string): ExploreContext {
      const info = users.get(user);
      if (info === undefined) {
        throw new RangeError(
          `Cannot build explore context: unknown user "${user}"`,
        );
      }
      return {
        model,
        scorer,
        history: world.sessionsByUser(user),
        postsByAccount: world.postsByAccount,
        follows: info.follows,
        seen: seenByUser.get(user) ?? new Set(),
        user,
      };
    },
  };
}
