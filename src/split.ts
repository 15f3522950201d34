/**
 * Train/test splits of sessions for offline evaluation.
 *
 * {@linkcode splitByTime} keeps the last sessions for testing (sessions are
 * assumed to be in time order, as the readers deliver them), the usual split of
 * session-based recommendation. {@linkcode leaveLastOut} holds out each user's
 * last item instead, for data where one line is one user's whole history
 * (MovieLens).
 *
 * @module
 */

import type { Session } from "./records.ts";

/**
 * Default share of sessions held out by {@linkcode splitByTime}.
 *
 * @example
 * ```ts
 * import { DEFAULT_TEST_FRACTION, splitByTime } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = Array.from({ length: 50 }, (_, i) => [`a${i}`, `b${i}`]);
 * assert.equal(splitByTime(sessions).test.length, 50 * DEFAULT_TEST_FRACTION);
 * ```
 */
export const DEFAULT_TEST_FRACTION = 0.1;
/**
 * Default shortest session that {@linkcode leaveLastOut} splits.
 *
 * @example
 * ```ts
 * import { DEFAULT_MIN_LENGTH, leaveLastOut } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const short = ["a", "b"];
 * const long = ["a", "b", "c"];
 * assert.equal(short.length, DEFAULT_MIN_LENGTH - 1);
 * assert.deepEqual(leaveLastOut([short, long]).test, [["b", "c"]]);
 * ```
 */
export const DEFAULT_MIN_LENGTH = 3;

/**
 * A train/test split.
 *
 * @example
 * ```ts
 * import { type Split, splitByTime } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const split: Split<number> = splitByTime([1, 2, 3, 4, 5], { testSessions: 2 });
 * assert.deepEqual(split, { train: [1, 2, 3], test: [4, 5] });
 * ```
 */
export interface Split<T> {
  /** Training sessions, in input order. */
  train: T[];
  /** Test sessions, in input order. */
  test: T[];
}

/**
 * Options of {@linkcode splitByTime}: a share or a count of test sessions.
 *
 * @example
 * ```ts
 * import { splitByTime, type SplitByTimeOptions } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = ["s1", "s2", "s3", "s4", "s5", "s6"];
 * const share: SplitByTimeOptions = { testFraction: 0.5 };
 * const count: SplitByTimeOptions = { testSessions: 1 };
 * assert.deepEqual(splitByTime(sessions, share).test, ["s4", "s5", "s6"]);
 * assert.deepEqual(splitByTime(sessions, count).test, ["s6"]);
 * ```
 */
export type SplitByTimeOptions =
  | {
    /** Share of sessions held out, in `[0, 1]`, rounded to a count. Default `0.1`. */
    testFraction?: number;
  }
  | {
    /** Number of sessions held out, an integer in `[0, sessions]`. Required in this form: no default. */
    testSessions: number;
  };

/**
 * Holds out the last sessions as the test set.
 *
 * With `testFraction` the test set has `round(n × testFraction)` sessions;
 * with `testSessions`, exactly that many. Both parts keep the input order.
 *
 * @param sessions Sessions in time order (any element type).
 * @param options The share or the count of test sessions.
 * @returns The first sessions as `train`, the last as `test`.
 * @throws {RangeError} When the fraction or the count is out of range.
 *
 * @example
 * ```ts
 * import { splitByTime } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"]];
 * const { train, test } = splitByTime(sessions, { testFraction: 0.25 });
 * assert.deepEqual(test, [["d", "e"]]);
 * assert.equal(train.length, 3);
 * assert.equal(splitByTime(sessions, { testSessions: 2 }).test.length, 2);
 * ```
 */
export function splitByTime<T>(
  sessions: Iterable<T>,
  options: SplitByTimeOptions = {},
): Split<T> {
  const all = [...sessions];
  let count: number;
  if ("testSessions" in options) {
    count = options.testSessions;
    if (!Number.isInteger(count) || count < 0 || count > all.length) {
      throw new RangeError(
        `Cannot split sessions: testSessions must be an integer in [0, ${all.length}], got ${count}`,
      );
    }
  } else {
    const fraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new RangeError(
        `Cannot split sessions: testFraction must be in [0, 1], got ${fraction}`,
      );
    }
    count = Math.round(all.length * fraction);
  }
  const cut = all.length - count;
  return { train: all.slice(0, cut), test: all.slice(cut) };
}

/**
 * Options of {@linkcode leaveLastOut}.
 *
 * @example Query with the two items before the held-out one
 * ```ts
 * import { leaveLastOut, type LeaveLastOutOptions } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const options: LeaveLastOutOptions = { minLength: 4, queryLength: 2 };
 * const { train, test } = leaveLastOut([["a", "b", "c", "d"], ["x", "y", "z"]], options);
 * assert.deepEqual(train, [["a", "b", "c"], ["x", "y", "z"]]);
 * assert.deepEqual(test, [["b", "c", "d"]]);
 * ```
 */
export interface LeaveLastOutOptions {
  /** Sessions shorter than this go to training whole. At least 2. Default `3`. */
  minLength?: number;
  /** Items before the held-out item kept in the test session (the query). Default `1`. */
  queryLength?: number;
}

/**
 * Holds out the last item of every session (per-user leave-one-out).
 *
 * A session `s` of length `n ≥ minLength` contributes `s[0 … n-2]` (all but
 * the last item) to `train`, and its last `queryLength + 1` items
 * `s[n-1-queryLength … n-1]` to `test`, so {@linkcode evaluate} queries with
 * the items before the held-out one. Shorter sessions go to `train` whole.
 *
 * @param sessions Sessions, as account lists or {@linkcode Session}s.
 * @param options Minimum length and query length.
 * @returns Account lists: `train` in input order, `test` one per split session.
 * @throws {RangeError} When `minLength` is below 2 or `queryLength` below 1.
 *
 * @example
 * ```ts
 * import { leaveLastOut } from "./split.ts";
 * import assert from "node:assert/strict";
 *
 * const { train, test } = leaveLastOut([["a", "b", "c", "d"], ["x", "y"]]);
 * assert.deepEqual(train, [["a", "b", "c"], ["x", "y"]]);
 * assert.deepEqual(test, [["c", "d"]]);
 * ```
 */
export function leaveLastOut(
  sessions: Iterable<readonly string[] | Session>,
  options: LeaveLastOutOptions = {},
): Split<string[]> {
  const minLength = options.minLength ?? DEFAULT_MIN_LENGTH;
  const queryLength = options.queryLength ?? 1;
  if (!Number.isInteger(minLength) || minLength < 2) {
    throw new RangeError(
      `Cannot split sessions: minLength must be an integer >= 2, got ${minLength}`,
    );
  }
  if (!Number.isInteger(queryLength) || queryLength < 1) {
    throw new RangeError(
      `Cannot split sessions: queryLength must be an integer >= 1, got ${queryLength}`,
    );
  }
  const train: string[][] = [];
  const test: string[][] = [];
  for (const session of sessions) {
    const accounts = Array.isArray(session)
      ? session as readonly string[]
      : (session as Session).accounts;
    const n = accounts.length;
    if (n < minLength) {
      train.push([...accounts]);
      continue;
    }
    train.push(accounts.slice(0, n - 1));
    test.push(accounts.slice(Math.max(0, n - 1 - queryLength)));
  }
  return { train, test };
}
