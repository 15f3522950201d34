/**
 * Candidate posts: the media of recommended accounts, the input of ranking.
 *
 * Reference: the notebook's step "media from similar accounts → candidates
 * for recommendation" (its posts p101–p103 of catvideos, meowworld,
 * funnycats). Where we differ: each account contributes at most `perAccount`
 * posts, chosen newest first or best by a post feature; posts the user has
 * already seen are skipped; and every candidate carries its author's
 * similarity and the seeds behind it, so later stages can explain the pick.
 *
 * @module
 */

import type { Post } from "./records.ts";
import type { RecommendedAccount } from "./recommend.ts";

/**
 * Which posts of an account come first.
 *
 * @example
 * ```ts
 * import { type CandidateOrder, candidatePosts } from "./candidates.ts";
 * import assert from "node:assert/strict";
 *
 * const posts = new Map([["cats", [
 *   { postId: "old", account: "cats", ts: 1, features: { appeal: 0.9 } },
 *   { postId: "new", account: "cats", ts: 2, features: { appeal: 0.1 } },
 * ]]]);
 * const accounts = [{ account: "cats", score: 1, because: [] }];
 * const first = (order: CandidateOrder) => candidatePosts(accounts, posts, { order, perAccount: 1 })[0]?.post.postId;
 * assert.equal(first("newest"), "new");
 * assert.equal(first("best"), "old");
 * ```
 */
export type CandidateOrder = "newest" | "best";

const CANDIDATE_ORDERS: readonly CandidateOrder[] = ["newest", "best"];

/**
 * Default posts taken per recommended account.
 *
 * @example
 * ```ts
 * import { candidatePosts, DEFAULT_PER_ACCOUNT } from "./candidates.ts";
 * import assert from "node:assert/strict";
 *
 * const many = Array.from({ length: 30 }, (_, i) => ({ postId: `p${i}`, account: "cats" }));
 * const candidates = candidatePosts([{ account: "cats", score: 1, because: [] }], new Map([["cats", many]]));
 * assert.equal(candidates.length, DEFAULT_PER_ACCOUNT);
 * ```
 */
export const DEFAULT_PER_ACCOUNT = 10;
/**
 * Default post feature of the `"best"` order.
 *
 * @example
 * ```ts
 * import { DEFAULT_CANDIDATE_FEATURE, candidatePosts } from "./candidates.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_CANDIDATE_FEATURE, "appeal");
 * const posts = new Map([["cats", [
 *   { postId: "dull", account: "cats", features: { appeal: 0.2 } },
 *   { postId: "great", account: "cats", features: { appeal: 0.8 } },
 * ]]]);
 * const best = candidatePosts([{ account: "cats", score: 1, because: [] }], posts, { order: "best" });
 * assert.equal(best[0]?.post.postId, "great");
 * ```
 */
export const DEFAULT_CANDIDATE_FEATURE = "appeal";

/**
 * One candidate post.
 *
 * @example
 * ```ts
 * import { type CandidatePost, candidatePosts } from "./candidates.ts";
 * import assert from "node:assert/strict";
 *
 * const post = { postId: "p1", account: "meowworld" };
 * const [candidate] = candidatePosts(
 *   [{ account: "meowworld", score: 0.75, because: ["catsdaily"] }],
 *   new Map([["meowworld", [post]]]),
 * );
 * const expected: CandidatePost = { post, similarity: 0.75, because: ["catsdaily"] };
 * assert.deepEqual(candidate, expected);
 * ```
 */
export interface CandidatePost {
  /** The post. */
  post: Post;
  /** Cosine similarity of its author to the seeds (the recommendation score). */
  similarity: number;
  /** The seed accounts its author was recommended because of. */
  because: string[];
}

/**
 * Options of {@linkcode candidatePosts}.
 *
 * @example The two posts with most `likes`, skipping a seen one
 * ```ts
 * import { type CandidateOptions, candidatePosts } from "./candidates.ts";
 * import assert from "node:assert/strict";
 *
 * const posts = new Map([["cats", [1, 5, 3, 4].map((likes, i) => ({
 *   postId: `p${i}`, account: "cats", features: { likes },
 * }))]]);
 * const options: CandidateOptions = { perAccount: 2, order: "best", feature: "likes", exclude: ["p1"] };
 * const ids = candidatePosts([{ account: "cats", score: 1, because: [] }], posts, options).map((c) => c.post.postId);
 * assert.deepEqual(ids, ["p3", "p2"]);
 * ```
 */
export interface CandidateOptions {
  /** The most posts taken per account. Default `10`. */
  perAccount?: number;
  /** `"newest"` (by `ts`, else the later in the list) or `"best"` (by `feature`, then newest). Default `"newest"`. */
  order?: CandidateOrder;
  /** The post feature of the `"best"` order; posts without it count as 0. Default `"appeal"`. */
  feature?: string;
  /** Post ids never returned (already seen). Default none. */
  exclude?: Iterable<string>;
}

/**
 * Collects the posts of recommended accounts as ranking candidates.
 *
 * Candidates come grouped by account in the order of `accounts`; an account
 * listed twice contributes once, and accounts without posts contribute
 * nothing.
 *
 * @example
 * ```ts
 * import { candidatePosts } from "./candidates.ts";
 * import assert from "node:assert/strict";
 *
 * const posts = new Map([
 *   ["catvideos", [{ postId: "p100", account: "catvideos" }, { postId: "p101", account: "catvideos" }]],
 *   ["meowworld", [{ postId: "p102", account: "meowworld" }]],
 * ]);
 * const accounts = [
 *   { account: "catvideos", score: 0.9, because: ["catsdaily"] },
 *   { account: "meowworld", score: 0.8, because: ["catsdaily"] },
 * ];
 * const candidates = candidatePosts(accounts, posts, { perAccount: 1, exclude: new Set(["p102"]) });
 * assert.deepEqual(candidates.map((c) => c.post.postId), ["p101"]);
 * assert.equal(candidates[0]!.similarity, 0.9);
 * ```
 *
 * @param accounts Recommended accounts, best first.
 * @param postsByAccount Posts by author id (lists oldest first when posts have no `ts`).
 * @param options How many and which posts per account, and posts to skip.
 * @returns The candidates.
 * @throws {RangeError} When `perAccount` is not a non-negative integer or the order is unknown.
 */
export function candidatePosts(
  accounts: readonly RecommendedAccount[],
  postsByAccount: ReadonlyMap<string, readonly Post[]>,
  options: CandidateOptions = {},
): CandidatePost[] {
  const perAccount = options.perAccount ?? DEFAULT_PER_ACCOUNT;
  const order = options.order ?? "newest";
  const feature = options.feature ?? DEFAULT_CANDIDATE_FEATURE;
  if (!Number.isInteger(perAccount) || perAccount < 0) {
    throw new RangeError(
      `Cannot collect candidate posts: perAccount must be a non-negative integer, got ${perAccount}`,
    );
  }
  if (!CANDIDATE_ORDERS.includes(order)) {
    throw new RangeError(
      `Cannot collect candidate posts: unknown order "${order}", expected one of ${
        CANDIDATE_ORDERS.join(", ")
      }`,
    );
  }
  const exclude = new Set(options.exclude ?? []);
  const done = new Set<string>();
  const out: CandidatePost[] = [];
  for (const rec of accounts) {
    if (done.has(rec.account)) continue;
    done.add(rec.account);
    const posts = postsByAccount.get(rec.account);
    if (posts === undefined || perAccount === 0) continue;
    const fresh = posts
      .map((post, position) => ({ post, position }))
      .filter((e) => !exclude.has(e.post.postId));
    fresh.sort((a, b) => {
      if (order === "best") {
        const fa = a.post.features?.[feature] ?? 0;
        const fb = b.post.features?.[feature] ?? 0;
        if (fa !== fb) return fb - fa;
      }
      const ta = a.post.ts ?? -Infinity;
      const tb = b.post.ts ?? -Infinity;
      if (ta !== tb) return tb - ta;
      return b.position - a.position;
    });
    for (const { post } of fresh.slice(0, perAccount)) {
      out.push({ post, similarity: rec.score, because: [...rec.because] });
    }
  }
  return out;
}
