/**
 * Helpers over a user's sessions shared by seeding, scoring and Explore.
 *
 * @module
 */

import type { Session } from "./records.ts";

/**
 * A user's sessions oldest first: sorted by `ts` (stably) when every session
 * has one, else in the order given.
 *
 * @param history The sessions.
 * @returns The same sessions in time order.
 */
export function chronological(history: readonly Session[]): readonly Session[] {
  if (history.length < 2 || history.some((s) => s.ts === undefined)) {
    return history;
  }
  return history
    .map((session, i) => ({ session, i }))
    .sort((a, b) => a.session.ts! - b.session.ts! || a.i - b.i)
    .map((e) => e.session);
}
