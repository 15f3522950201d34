import assert from "node:assert/strict";
import { type RankCandidate, rankPosts, valueScore } from "../src/rank.ts";
import { Prng } from "../src/prng.ts";

function candidate(
  postId: string,
  account: string,
  like: number,
  save = 0,
  hide = 0,
  seeds?: string[],
): RankCandidate {
  const c: RankCandidate = {
    post: { postId, account },
    probabilities: { like, save, hide },
  };
  if (seeds !== undefined) c.seeds = seeds;
  return c;
}

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} vs ${expected}`);
}

function shuffled<T>(items: readonly T[], prng: Prng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

Deno.test("`valueScore()` weighs like, save and hide", () => {
  close(valueScore({ like: 0.5, save: 0.5, hide: 0.25 }), 0.5 + 0.6 - 0.5);
  close(
    valueScore({ like: 0.2, save: 0.1, hide: 0.3 }, {
      like: 2,
      save: 0,
      hide: 1,
    }),
    0.1,
  );
  close(valueScore({ like: 1, save: 1, hide: 0 }, { save: 3 }), 4);
  assert.throws(
    () => valueScore({ like: 1, save: 0, hide: 0 }, { like: NaN }),
    RangeError,
  );
});

Deno.test("`rankPosts()` applies the author penalty cumulatively, after each pick", () => {
  // a: 1.0, 0.9, 0.8; b: 0.75; c: 0.5. Penalty 0.2.
  // pick p1 (a, 1.0) → p2 0.7, p3 0.6; pick p4 (b, 0.75); pick p2 (0.7) →
  // p3 0.4; pick c (0.5); pick p3 (0.4).
  const ranked = rankPosts([
    candidate("p1", "a", 1.0),
    candidate("p2", "a", 0.9),
    candidate("p3", "a", 0.8),
    candidate("p4", "b", 0.75),
    candidate("p5", "c", 0.5),
  ]);
  assert.deepEqual(ranked.map((r) => r.postId), ["p1", "p4", "p2", "p5", "p3"]);
  close(ranked[2]!.score, 0.7);
  close(ranked[4]!.score, 0.4);
  close(ranked[4]!.breakdown.diversityPenalty, 0.4);
  close(ranked[4]!.value, 0.8);
});

Deno.test("`rankPosts()` reports the value breakdown", () => {
  const [r] = rankPosts([candidate("p1", "a", 0.7, 0.4, 0.1)]);
  close(r!.value, 0.98);
  close(r!.score, 0.98);
  close(r!.breakdown.like, 0.7);
  close(r!.breakdown.save, 0.48);
  close(r!.breakdown.hide, 0.2);
  assert.equal(r!.breakdown.pSave, 0.4);
  assert.equal(r!.breakdown.diversityPenalty, 0);
});

Deno.test("`rankPosts()` with penalty 0 equals a sort by value", () => {
  const prng = new Prng(5);
  const list: RankCandidate[] = [];
  for (let i = 0; i < 60; i++) {
    list.push(candidate(
      `p${String(i).padStart(3, "0")}`,
      `acct${prng.int(5)}`,
      prng.random(),
      prng.random(),
      prng.random(),
    ));
  }
  const ranked = rankPosts(list, { diversityPenalty: 0, limit: Infinity });
  const sorted = [...list].sort((a, b) =>
    valueScore(b.probabilities) - valueScore(a.probabilities)
  );
  assert.deepEqual(
    ranked.map((r) => r.postId),
    sorted.map((c) => c.post.postId),
  );
});

Deno.test("`rankPosts()` keeps authors apart in the top 9 when enough authors have good posts", () => {
  // 12 authors, 5 posts each; author k's posts have like 0.9 − 0.01·k − 0.02·j.
  // Without diversity the top 9 would be only 3 authors.
  const list: RankCandidate[] = [];
  for (let k = 0; k < 12; k++) {
    for (let j = 0; j < 5; j++) {
      list.push(
        candidate(`p${k}_${j}`, `author${k}`, 0.9 - 0.01 * k - 0.002 * j),
      );
    }
  }
  const plain = rankPosts(list, { diversityPenalty: 0, limit: 9 });
  assert.ok(new Set(plain.map((r) => r.account)).size < 9);
  const top = rankPosts(list, { limit: 9 });
  assert.equal(new Set(top.map((r) => r.account)).size, 9);
});

Deno.test("`rankPosts()` never depends on the input order", () => {
  const prng = new Prng(11);
  const list: RankCandidate[] = [];
  for (let i = 0; i < 40; i++) {
    // Coarse probabilities so ties occur.
    list.push(candidate(
      `p${i}`,
      `acct${prng.int(6)}`,
      prng.int(4) / 4,
      prng.int(3) / 4,
      prng.int(2) / 4,
      [`seed${prng.int(3)}`],
    ));
  }
  const options = { seedPenalty: 0.1, noConsecutiveAuthor: true, limit: 30 };
  const expected = rankPosts(list, options).map((r) => r.postId);
  for (let t = 0; t < 10; t++) {
    const got = rankPosts(shuffled(list, prng), options).map((r) => r.postId);
    assert.deepEqual(got, expected);
  }
});

Deno.test("`rankPosts()` breaks ties by post id", () => {
  const ranked = rankPosts([
    candidate("p3", "c", 0.5),
    candidate("p1", "a", 0.5),
    candidate("p2", "b", 0.5),
  ]);
  assert.deepEqual(ranked.map((r) => r.postId), ["p1", "p2", "p3"]);
});

Deno.test("`rankPosts()` with noConsecutiveAuthor avoids back-to-back authors when it can", () => {
  // Penalty 0: a's posts are all better than b's, yet a must not repeat.
  const list = [
    candidate("p1", "a", 0.9),
    candidate("p2", "a", 0.8),
    candidate("p3", "a", 0.7),
    candidate("p4", "b", 0.1),
  ];
  const ranked = rankPosts(list, {
    diversityPenalty: 0,
    noConsecutiveAuthor: true,
  });
  assert.deepEqual(ranked.map((r) => r.postId), ["p1", "p4", "p2", "p3"]);
});

Deno.test("`rankPosts()` lowers posts sharing a seed by seedPenalty", () => {
  const list = [
    candidate("p1", "a", 0.9, 0, 0, ["s1"]),
    candidate("p2", "b", 0.8, 0, 0, ["s1"]),
    candidate("p3", "c", 0.75, 0, 0, ["s2"]),
  ];
  assert.deepEqual(rankPosts(list).map((r) => r.postId), ["p1", "p2", "p3"]);
  const ranked = rankPosts(list, { seedPenalty: 0.1 });
  assert.deepEqual(ranked.map((r) => r.postId), ["p1", "p3", "p2"]);
  close(ranked[2]!.score, 0.7);
  assert.deepEqual(ranked[0]!.seeds, ["s1"]);
});

Deno.test("`rankPosts()` honours limit and validates options", () => {
  const list = [candidate("p1", "a", 0.9), candidate("p2", "b", 0.8)];
  assert.equal(rankPosts(list, { limit: 1 }).length, 1);
  assert.equal(rankPosts(list, { limit: 0 }).length, 0);
  assert.equal(rankPosts([], {}).length, 0);
  assert.throws(() => rankPosts(list, { limit: -1 }), RangeError);
  assert.throws(() => rankPosts(list, { diversityPenalty: -0.1 }), RangeError);
  assert.throws(
    () => rankPosts(list, { weights: { hide: Infinity } }),
    RangeError,
  );
});
