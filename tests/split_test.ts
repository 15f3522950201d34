import assert from "node:assert/strict";
import { leaveLastOut, splitByTime } from "../src/split.ts";

const TEN = Array.from({ length: 10 }, (_, i) => [`a${i}`, `b${i}`]);

Deno.test("`splitByTime()` holds out the last 10% by default, keeping order", () => {
  const { train, test } = splitByTime(TEN);
  assert.deepEqual(test, [["a9", "b9"]]);
  assert.deepEqual(train, TEN.slice(0, 9));
});

Deno.test("`splitByTime()` rounds the test fraction to a count", () => {
  assert.equal(splitByTime(TEN, { testFraction: 0.26 }).test.length, 3);
  assert.equal(splitByTime(TEN, { testFraction: 0.24 }).test.length, 2);
  assert.equal(splitByTime(TEN, { testFraction: 0 }).test.length, 0);
  assert.equal(splitByTime(TEN, { testFraction: 1 }).train.length, 0);
});

Deno.test("`splitByTime()` takes an exact number of test sessions from any iterable", () => {
  function* sessions(): Generator<{ accounts: string[] }> {
    for (let i = 0; i < 5; i++) yield { accounts: [`s${i}`] };
  }
  const { train, test } = splitByTime(sessions(), { testSessions: 2 });
  assert.deepEqual(test.map((s) => s.accounts[0]), ["s3", "s4"]);
  assert.deepEqual(train.map((s) => s.accounts[0]), ["s0", "s1", "s2"]);
  assert.deepEqual(splitByTime([], { testSessions: 0 }), {
    train: [],
    test: [],
  });
});

Deno.test("`splitByTime()` rejects an out-of-range fraction or count", () => {
  assert.throws(
    () => splitByTime(TEN, { testFraction: 1.5 }),
    /Cannot split sessions: testFraction must be in \[0, 1\], got 1.5/,
  );
  assert.throws(() => splitByTime(TEN, { testFraction: NaN }), RangeError);
  assert.throws(() => splitByTime(TEN, { testSessions: 11 }), RangeError);
  assert.throws(() => splitByTime(TEN, { testSessions: -1 }), RangeError);
  assert.throws(() => splitByTime(TEN, { testSessions: 1.5 }), RangeError);
});

Deno.test("`leaveLastOut()` trains on all but the last item and tests on the last two", () => {
  const { train, test } = leaveLastOut([
    ["a", "b", "c", "d"],
    { accounts: ["u", "v", "w"], user: "7" },
    ["x", "y"],
  ]);
  assert.deepEqual(train, [["a", "b", "c"], ["u", "v"], ["x", "y"]]);
  assert.deepEqual(test, [["c", "d"], ["v", "w"]]);
});

Deno.test("`leaveLastOut()` honours minLength and queryLength", () => {
  const sessions = [["a", "b", "c", "d", "e"], ["x", "y"]];
  const long = leaveLastOut(sessions, { minLength: 2, queryLength: 3 });
  assert.deepEqual(long.train, [["a", "b", "c", "d"], ["x"]]);
  assert.deepEqual(long.test, [["b", "c", "d", "e"], ["x", "y"]]);
  const none = leaveLastOut(sessions, { minLength: 6 });
  assert.deepEqual(none.train, sessions);
  assert.deepEqual(none.test, []);
});

Deno.test("`leaveLastOut()` does not alias the input sessions", () => {
  const input = [["a", "b"]];
  const { train } = leaveLastOut(input, { minLength: 3 });
  train[0]!.push("z");
  assert.deepEqual(input, [["a", "b"]]);
});

Deno.test("`leaveLastOut()` rejects bad options", () => {
  assert.throws(
    () => leaveLastOut([], { minLength: 1 }),
    /Cannot split sessions: minLength must be an integer >= 2, got 1/,
  );
  assert.throws(() => leaveLastOut([], { queryLength: 0 }), RangeError);
});
