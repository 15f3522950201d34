/**
 * Seed accounts: the accounts a user engaged with recently, which Explore
 * uses as queries into the account embeddings.
 *
 * Reference: the notebook's `get_seed_accounts` (the accounts of the most
 * recent session) and Instagram's Explore write-up, which seeds from the
 * accounts a person recently engaged with.
 *
 * Where we differ: the notebook returns the last session as is, duplicates
 * included, and fails on an empty history. Here both modes deduplicate, skip
 * empty sessions, return `[]` for an empty history, and cap the list at a
 * budget (default 30). `"recent"` mode looks past the last session.
 *
 * @module
 */

import type { Session } from "./records.ts";
import { chronological } from "./_sessions.ts";

/**
 * How many seed accounts to keep by default.
 *
 * @example
 * ```ts
 * import { DEFAULT_SEED_BUDGET, seedAccounts } from "./seeds.ts";
 * import assert from "node:assert/strict";
 *
 * const long = { accounts: Array.from({ length: 50 }, (_, i) => `a${i}`) };
 * const seeds = seedAccounts([long]);
 * assert.equal(seeds.length, DEFAULT_SEED_BUDGET);
 * assert.equal(seeds[0], "a49");
 * ```
 */
export const DEFAULT_SEED_BUDGET = 30;

/**
 * Which accounts become seeds.
 *
 * @example
 * ```ts
 * import { seedAccounts, type SeedMode } from "./seeds.ts";
 * import assert from "node:assert/strict";
 *
 * const history = [
 *   { accounts: ["catsdaily", "funnycats"] },
 *   { accounts: [] },
 *   { accounts: ["travelgram", "catsdaily"] },
 * ];
 * const seeds = (mode: SeedMode) => seedAccounts(history, { mode });
 * assert.deepEqual(seeds("last-session"), ["travelgram", "catsdaily"]);
 * assert.deepEqual(seeds("recent"), ["catsdaily", "travelgram", "funnycats"]);
 * ```
 */
export type SeedMode = "last-session" | "recent";

const SEED_MODES: readonly SeedMode[] = ["last-session", "recent"];

/**
 * Options of {@linkcode seedAccounts}.
 *
 * @example
 * ```ts
 * import { seedAccounts, type SeedOptions } from "./seeds.ts";
 * import assert from "node:assert/strict";
 *
 * const history = [
 *   { accounts: ["catsdaily", "funnycats"] },
 *   { accounts: [] },
 *   { accounts: ["travelgram", "catsdaily"] },
 * ];
 * const options: SeedOptions = { mode: "recent", budget: 2 };
 * assert.deepEqual(seedAccounts(history, options), ["catsdaily", "travelgram"]);
 * assert.deepEqual(seedAccounts([], options), []);
 * ```
 */
export interface SeedOptions {
  /**
   * `"recent"`: the most recently engaged accounts across sessions, newest
   * first. `"last-session"`: the accounts of the most recent non-empty
   * session, in session order (the notebook's rule). Default `"recent"`.
   */
  mode?: SeedMode;
  /** The most seeds returned. Default `30`. */
  budget?: number;
}

/**
 * Picks a user's seed accounts from their session history.
 *
 * Sessions are taken in array order, oldest first, unless every session has a
 * `ts`: then they are ordered by `ts` (stable for equal times).
 *
 * @example
 * ```ts
 * import { seedAccounts } from "./seeds.ts";
 * import assert from "node:assert/strict";
 *
 * const history = [
 *   { accounts: ["catsdaily", "funnycats", "meowworld"] },
 *   { accounts: ["catvideos", "meowworld"] },
 * ];
 * assert.deepEqual(seedAccounts(history, { mode: "last-session" }), ["catvideos", "meowworld"]);
 * assert.deepEqual(seedAccounts(history), ["meowworld", "catvideos", "funnycats", "catsdaily"]);
 * assert.deepEqual(seedAccounts(history, { budget: 2 }), ["meowworld", "catvideos"]);
 * ```
 *
 * @param history The user's sessions, oldest first.
 * @param options Mode and budget.
 * @returns Unique account ids.
 * @throws {TypeError} When `history` is not an array of sessions.
 * @throws {RangeError} When the mode is unknown or the budget is not a non-negative integer.
 */
export function seedAccounts(
  history: readonly Session[],
  options: SeedOptions = {},
): string[] {
  const mode = options.mode ?? "recent";
  const budget = options.budget ?? DEFAULT_SEED_BUDGET;
  if (!SEED_MODES.includes(mode)) {
    throw new RangeError(
      `Cannot pick seed accounts: unknown mode "${mode}", expected one of ${
        SEED_MODES.join(", ")
      }`,
    );
  }
  if (!Number.isInteger(budget) || budget < 0) {
    throw new RangeError(
      `Cannot pick seed accounts: budget must be a non-negative integer, got ${budget}`,
    );
  }
  if (!Array.isArray(history)) {
    throw new TypeError(
      `Cannot pick seed accounts: history must be an array of sessions, got ${typeof history}`,
    );
  }
  for (const [i, session] of history.entries()) {
    if (
      session === null || typeof session !== "object" ||
      !Array.isArray(session.accounts)
    ) {
      throw new TypeError(
        `Cannot pick seed accounts: session ${i} has no accounts array`,
      );
    }
  }
  const ordered = chronological(history);
  if (budget === 0) return [];
  if (mode === "last-session") {
    for (let s = ordered.length - 1; s >= 0; s--) {
      const accounts = ordered[s]!.accounts;
      if (accounts.length === 0) continue;
      const unique = [...new Set(accounts)];
      // Over budget: keep the latest distinct accounts, still in session order.
      if (unique.length <= budget) return unique;
      const latest = new Set<string>();
      for (let i = accounts.length - 1; i >= 0 && latest.size < budget; i--) {
        latest.add(accounts[i]!);
      }
      return unique.filter((a) => latest.has(a));
    }
    return [];
  }
  const seeds: string[] = [];
  const taken = new Set<string>();
  for (let s = ordered.length - 1; s >= 0; s--) {
    const accounts = ordered[s]!.accounts;
    for (let i = accounts.length - 1; i >= 0; i--) {
      const account = accounts[i]!;
      if (taken.has(account)) continue;
      taken.add(account);
      seeds.push(account);
      if (seeds.length >= budget) return seeds;
    }
  }
  return seeds;
}
