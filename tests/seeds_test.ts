import assert from "node:assert/strict";
import { seedAccounts } from "../src/seeds.ts";
import type { Session } from "../src/records.ts";

const NOTEBOOK_USER_SESSIONS: Session[] = [
  { accounts: ["catsdaily", "funnycats", "meowworld"] },
  { accounts: ["catvideos", "meowworld"] },
];

Deno.test("`seedAccounts()` in last-session mode returns the notebook's seeds", () => {
  assert.deepEqual(
    seedAccounts(NOTEBOOK_USER_SESSIONS, { mode: "last-session" }),
    ["catvideos", "meowworld"],
  );
});

Deno.test("`seedAccounts()` in recent mode walks back newest first without duplicates", () => {
  const history: Session[] = [
    { accounts: ["a", "b"] },
    { accounts: ["c", "a", "d", "a"] },
    { accounts: ["e", "c"] },
  ];
  assert.deepEqual(seedAccounts(history), ["c", "e", "a", "d", "b"]);
  assert.deepEqual(seedAccounts(history, { budget: 3 }), ["c", "e", "a"]);
});

Deno.test("`seedAccounts()` orders sessions by ts when every session has one", () => {
  const history: Session[] = [
    { accounts: ["late"], ts: 200 },
    { accounts: ["early"], ts: 100 },
  ];
  assert.deepEqual(seedAccounts(history, { mode: "last-session" }), ["late"]);
  assert.deepEqual(seedAccounts(history), ["late", "early"]);
  // Without a ts on every session the array order wins.
  const partial: Session[] = [{ accounts: ["x"], ts: 200 }, {
    accounts: ["y"],
  }];
  assert.deepEqual(seedAccounts(partial, { mode: "last-session" }), ["y"]);
});

Deno.test("`seedAccounts()` skips empty sessions and handles an empty history", () => {
  assert.deepEqual(seedAccounts([]), []);
  assert.deepEqual(seedAccounts([], { mode: "last-session" }), []);
  const history: Session[] = [{ accounts: ["a", "a", "b"] }, { accounts: [] }];
  assert.deepEqual(seedAccounts(history, { mode: "last-session" }), ["a", "b"]);
  assert.deepEqual(seedAccounts(history, { budget: 0 }), []);
});

Deno.test("`seedAccounts()` in last-session mode keeps the latest accounts over budget", () => {
  const history: Session[] = [{ accounts: ["a", "b", "c", "b", "d"] }];
  // The two latest distinct accounts are d and b; session order is kept.
  assert.deepEqual(seedAccounts(history, { mode: "last-session", budget: 2 }), [
    "b",
    "d",
  ]);
});

Deno.test("`seedAccounts()` rejects bad options and bad history", () => {
  assert.throws(
    () => seedAccounts([], { budget: -1 }),
    (e) => e instanceof RangeError && /budget .* got -1/.test(e.message),
  );
  assert.throws(
    () => seedAccounts([], { mode: "all" as "recent" }),
    (e) => e instanceof RangeError && /unknown mode "all"/.test(e.message),
  );
  assert.throws(
    () => seedAccounts([{ accounts: "a b" } as unknown as Session]),
    (e) => e instanceof TypeError && /session 0/.test(e.message),
  );
});
