/**
 * The records explore2vec reads and produces: sessions, posts, interactions.
 *
 * @module
 */

/**
 * One session: the accounts a user visited, in order.
 *
 * @example
 * ```ts
 * import type { Session } from "./records.ts";
 * import { parseSessionsText } from "./read_sessions.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions: Session[] = parseSessionsText('{"accounts": ["cats", "dogs"], "user": "u1", "ts": 60}', {
 *   format: "jsonl",
 * });
 * assert.deepEqual(sessions, [{ accounts: ["cats", "dogs"], user: "u1", ts: 60 }]);
 * ```
 */
export interface Session {
  /** Account ids in time order. */
  accounts: string[];
  /** The user the session belongs to, when known. */
  user?: string;
  /** Time of the session's first event, seconds since the epoch, when known. */
  ts?: number;
}

/**
 * A post (media item) by an account.
 *
 * @example
 * ```ts
 * import type { Post } from "./records.ts";
 * import { readPosts } from "./read_posts.ts";
 * import assert from "node:assert/strict";
 *
 * const post: Post = { postId: "p1", account: "cats", ts: 7, features: { appeal: 0.5 } };
 * const read: Post[] = [];
 * for await (const p of readPosts({ text: JSON.stringify(post) })) read.push(p);
 * assert.deepEqual(read, [post]);
 * ```
 */
export interface Post {
  /** Unique post id. */
  postId: string;
  /** The author's account id. */
  account: string;
  /** Publication time, seconds since the epoch, when known. */
  ts?: number;
  /** Numeric features of the post (e.g. `appeal`, `isVideo`), when known. */
  features?: Record<string, number>;
}

/**
 * One user–post exposure and what the user did.
 *
 * @example
 * ```ts
 * import type { Interaction } from "./records.ts";
 * import { readInteractions } from "./read_interactions.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: Interaction = { user: "u1", postId: "p1", liked: true, saved: false, hidden: false, ts: 9 };
 * const read: Interaction[] = [];
 * for await (const i of readInteractions({ text: JSON.stringify(seen) })) read.push(i);
 * assert.deepEqual(read, [seen]);
 * ```
 */
export interface Interaction {
  /** The user id. */
  user: string;
  /** The post id. */
  postId: string;
  /** Whether the user liked the post. */
  liked: boolean;
  /** Whether the user saved the post. */
  saved: boolean;
  /** Whether the user hid the post ("see fewer like this"). */
  hidden: boolean;
  /** Time of the exposure, seconds since the epoch, when known. */
  ts?: number;
}
