/**
 * The records explore2vec reads and produces: sessions, posts, interactions.
 *
 * @module
 */

/** One session: the accounts a user visited, in order. */
export interface Session {
  /** Account ids in time order. */
  accounts: string[];
  /** The user the session belongs to, when known. */
  user?: string;
  /** Time of the session's first event, seconds since the epoch, when known. */
  ts?: number;
}

/** A post (media item) by an account. */
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

/** One user–post exposure and what the user did. */
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
