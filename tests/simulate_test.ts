import assert from "node:assert/strict";
import { simulateWorld, TRUE_COEFFICIENTS } from "../src/simulate.ts";

const SMALL = { topics: 6, accountsPerTopic: 12, users: 120, seed: 3 };

Deno.test("`simulateWorld()` gives the same world for the same seed", () => {
  const a = simulateWorld(SMALL);
  const b = simulateWorld(SMALL);
  assert.deepEqual(a.accounts, b.accounts);
  assert.deepEqual(a.users, b.users);
  assert.deepEqual(a.sessions, b.sessions);
  assert.deepEqual(a.posts, b.posts);
  assert.deepEqual(a.interactions, b.interactions);
  const c = simulateWorld({ ...SMALL, seed: 4 });
  assert.notDeepEqual(a.sessions, c.sessions);
});

Deno.test("`simulateWorld()` respects the sizes it is given", () => {
  const world = simulateWorld({
    topics: 4,
    accountsPerTopic: 7,
    users: 9,
    sessionsPerUser: 5,
    minSessionLength: 4,
    maxSessionLength: 6,
    minPosts: 2,
    maxPosts: 5,
    exposuresPerUser: 11,
    seed: 2,
  });
  assert.equal(world.topics.length, 4);
  assert.equal(world.accounts.length, 28);
  assert.equal(new Set(world.accounts.map((a) => a.id)).size, 28);
  assert.equal(world.users.length, 9);
  assert.equal(world.sessions.length, 45);
  for (const s of world.sessions) {
    assert.ok(s.accounts.length >= 4 && s.accounts.length <= 6);
    assert.ok(s.user !== undefined && s.ts !== undefined);
  }
  for (const user of world.users) {
    const list = world.sessionsByUser(user.id);
    assert.equal(list.length, 5);
    for (let i = 1; i < list.length; i++) {
      assert.ok(list[i]!.ts! >= list[i - 1]!.ts!);
    }
    assert.ok(user.interests.length >= 1 && user.interests.length <= 3);
    const total = user.interests.reduce((s, i) => s + i.weight, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
    assert.equal(
      world.interactions.filter((x) => x.user === user.id).length,
      11,
    );
  }
  for (const account of world.accounts) {
    const posts = world.postsByAccount.get(account.id)!;
    assert.ok(posts.length >= 2 && posts.length <= 5);
    assert.equal(account.topics[0]!.topic, account.topic);
  }
  assert.equal(
    new Set(world.posts.map((p) => p.postId)).size,
    world.posts.length,
  );
  for (const post of world.posts) {
    assert.match(post.postId, /^p\d{6}$/);
    const appeal = post.features!.appeal!;
    assert.ok(appeal >= 0 && appeal <= 1);
  }
});

Deno.test("`simulateWorld()` names accounts readably after their topic", () => {
  const world = simulateWorld({ topics: 2, accountsPerTopic: 3, users: 1 });
  assert.deepEqual(world.topics, ["cats", "travel"]);
  for (const account of world.accounts) {
    assert.match(account.id, /^[a-z_]+_\d+$/);
  }
  assert.equal(world.topicOf(world.accounts[0]!.id), "cats");
  assert.equal(world.topicOf(world.accounts[5]!.id), "travel");
  assert.throws(() => world.topicOf("nobody"), RangeError);
});

Deno.test("`simulateWorld()` keeps a one-interest user's sessions mostly in their topic", () => {
  const world = simulateWorld(SMALL);
  let checked = 0;
  for (const user of world.users) {
    if (user.interests.length !== 1) continue;
    const topic = user.interests[0]!.topic;
    let inTopic = 0;
    let total = 0;
    for (const session of world.sessionsByUser(user.id)) {
      for (const account of session.accounts) {
        total++;
        if (world.topicOf(account) === topic) inTopic++;
      }
    }
    assert.ok(inTopic / total > 0.7, `${user.id}: ${inTopic}/${total}`);
    checked++;
  }
  assert.ok(checked >= 20, `only ${checked} one-interest users`);
});

Deno.test("`simulateWorld()` makes popularity Zipf-like: top accounts are visited far more than the median", () => {
  const world = simulateWorld({ ...SMALL, topics: 3, accountsPerTopic: 20 });
  const visits = new Map<string, number>();
  for (const s of world.sessions) {
    for (const a of s.accounts) visits.set(a, (visits.get(a) ?? 0) + 1);
  }
  const counts = world.accounts.map((a) => visits.get(a.id) ?? 0).sort((
    x,
    y,
  ) => y - x);
  const median = counts[Math.floor(counts.length / 2)]!;
  assert.ok(counts[0]! > 5 * median, `top ${counts[0]} vs median ${median}`);
  // The most popular account of each topic is its most visited one.
  for (const topic of world.topics) {
    const members = world.accounts.filter((a) => a.topic === topic);
    const byPopularity = [...members].sort((a, b) =>
      b.popularity - a.popularity
    );
    const byVisits = [...members].sort((a, b) =>
      (visits.get(b.id) ?? 0) - (visits.get(a.id) ?? 0)
    );
    assert.equal(byVisits[0]!.id, byPopularity[0]!.id);
  }
});

Deno.test("`simulateWorld()` draws actions at the rates of the true probabilities", () => {
  const world = simulateWorld({ ...SMALL, exposuresPerUser: 60 });
  const postById = new Map(world.posts.map((p) => [p.postId, p]));
  const sums = { like: 0, save: 0, hide: 0 };
  const counts = { like: 0, save: 0, hide: 0 };
  const rates = {
    inLike: [0, 0],
    outLike: [0, 0],
    inHide: [0, 0],
    outHide: [0, 0],
  };
  for (const x of world.interactions) {
    const p = world.trueProbabilities(x.user, x.postId);
    sums.like += p.like;
    sums.save += p.save;
    sums.hide += p.hide;
    counts.like += +x.liked;
    counts.save += +x.saved;
    counts.hide += +x.hidden;
    const topic = world.topicOf(postById.get(x.postId)!.account);
    const inInterest = world.userInterests(x.user).includes(topic);
    const like = inInterest ? rates.inLike : rates.outLike;
    const hide = inInterest ? rates.inHide : rates.outHide;
    like[0]! += +x.liked;
    like[1]! += 1;
    hide[0]! += +x.hidden;
    hide[1]! += 1;
  }
  const n = world.interactions.length;
  for (const action of ["like", "save", "hide"] as const) {
    const expected = sums[action];
    // Within 4 binomial standard deviations (variance at most n/4).
    assert.ok(
      Math.abs(counts[action] - expected) < 4 * Math.sqrt(n / 4),
      `${action}: ${counts[action]} vs ${expected}`,
    );
  }
  assert.ok(counts.save < counts.like, "saves are rarer than likes");
  const rate = (r: number[]) => r[0]! / r[1]!;
  assert.ok(rate(rates.inLike) > rate(rates.outLike) + 0.2);
  assert.ok(rate(rates.outHide) > rate(rates.inHide) + 0.1);
});

Deno.test("`simulateWorld()` true probabilities follow the published coefficients", () => {
  const world = simulateWorld(SMALL);
  const user = world.users[0]!;
  const post = world.posts[10]!;
  const a = world.affinity(user.id, post.account);
  const appeal = post.features!.appeal!;
  const video = post.features!.isVideo!;
  const c = TRUE_COEFFICIENTS.hide;
  const z = c.bias + c.affinity * a + c.appeal * (appeal - 0.5) +
    c.video * video;
  const p = world.trueProbabilities(user.id, post.postId);
  assert.ok(Math.abs(p.hide - 1 / (1 + Math.exp(-z))) < 1e-12);
  assert.ok(a >= 0 && a <= 1);
  assert.throws(
    () => world.trueProbabilities("nobody", post.postId),
    RangeError,
  );
  assert.throws(
    () => world.trueProbabilities(user.id, "p999999999"),
    RangeError,
  );
});

Deno.test("`simulateWorld()` rejects out-of-range options", () => {
  assert.throws(() => simulateWorld({ topics: 0 }), RangeError);
  assert.throws(() => simulateWorld({ noise: 1.5 }), RangeError);
  assert.throws(
    () => simulateWorld({ minSessionLength: 5, maxSessionLength: 4 }),
    RangeError,
  );
});
