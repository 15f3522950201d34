import assert from "node:assert/strict";
import { candidatePosts } from "../src/candidates.ts";
import { buildExploreWorld, explore } from "../src/explore.ts";
import { valueScore } from "../src/rank.ts";
import { RECOMMEND_STRATEGIES, recommendAccounts } from "../src/recommend.ts";
import { PostScorer } from "../src/scorer.ts";
import { seedAccounts, type SeedMode } from "../src/seeds.ts";

const built = buildExploreWorld({ world: { users: 150 }, seed: 2 });
const { world } = built;
const USERS = world.users.slice(0, 60);

Deno.test("`explore()` fills a page without seen posts, followed or seed authors", () => {
  for (const user of USERS.slice(0, 10)) {
    const context = built.context(user.id);
    const page = explore(context);
    assert.equal(page.user, user.id);
    assert.equal(page.posts.length, 25);
    assert.equal(page.funnel.page, 25);
    const seen = new Set(context.seen);
    const follows = new Set(context.follows);
    for (const post of page.posts) {
      assert.ok(!seen.has(post.postId), post.postId);
      assert.ok(!follows.has(post.account), post.account);
      assert.ok(!page.seeds.includes(post.account), post.account);
      // Every post comes from a recommended account and names its seeds.
      const rec = page.accounts.find((a) => a.account === post.account)!;
      assert.deepEqual(post.seeds, rec.because);
      assert.equal(post.similarity, rec.score);
      assert.ok(post.seeds!.every((s) => page.seeds.includes(s)));
    }
    const history = world.sessionsByUser(user.id);
    assert.deepEqual(page.recentSession, history.at(-1)!.accounts);
    assert.deepEqual(page.seeds, seedAccounts(history));
  }
});

Deno.test("`explore()` reports a consistent funnel", () => {
  const context = built.context(USERS[3]!.id);
  const page = explore(context, { preselect: 40, pageSize: 12 });
  const candidates = candidatePosts(page.accounts, context.postsByAccount, {
    exclude: context.seen,
  });
  assert.equal(page.funnel.candidates, candidates.length);
  assert.ok(page.funnel.candidates > 40);
  assert.equal(page.funnel.preselected, 40);
  assert.equal(page.funnel.scored, 40);
  assert.equal(page.funnel.page, 12);
  // The cheap pass keeps the candidates whose authors are most similar.
  const cutoff = candidates.map((c) => c.similarity).sort((a, b) => b - a)[39]!;
  assert.ok(page.posts.every((p) => p.similarity! >= cutoff));
});

Deno.test("`explore()` repeats no author in the top 9 by default", () => {
  for (const user of USERS) {
    const page = explore(built.context(user.id));
    const top = page.posts.slice(0, 9).map((p) => p.account);
    assert.equal(new Set(top).size, top.length, `${user.id}: ${top}`);
  }
  // Without the lead rule, the additive penalty alone leaves repeats on some
  // pages, and without both, more: the check above can fail.
  const repeats = (options: { diversityPenalty?: number }): number =>
    USERS.filter((user) => {
      const top = explore(built.context(user.id), {
        ...options,
        distinctAuthors: 0,
      }).posts.slice(0, 9).map((p) => p.account);
      return new Set(top).size < top.length;
    }).length;
  const penaltyOnly = repeats({});
  const neither = repeats({ diversityPenalty: 0 });
  assert.ok(penaltyOnly > 0);
  assert.ok(neither > penaltyOnly, `${neither} vs ${penaltyOnly}`);
});

Deno.test("`explore()` ranks posts of higher true value than its candidates", () => {
  let pageValue = 0;
  let candidateValue = 0;
  for (const user of USERS) {
    const context = built.context(user.id);
    const page = explore(context, { pageSize: 9 });
    const candidates = candidatePosts(page.accounts, context.postsByAccount, {
      exclude: context.seen,
    });
    const truth = (postId: string): number =>
      valueScore(world.trueProbabilities(user.id, postId));
    pageValue += page.posts.reduce((s, p) => s + truth(p.postId), 0) /
      page.posts.length;
    candidateValue += candidates.reduce((s, c) => s + truth(c.post.postId), 0) /
      candidates.length;
  }
  pageValue /= USERS.length;
  candidateValue /= USERS.length;
  assert.ok(
    pageValue > candidateValue + 0.05,
    `page ${pageValue.toFixed(3)} vs candidates ${candidateValue.toFixed(3)}`,
  );
});

function precisionAt10(
  strategy: string,
  seedMode: SeedMode,
): { single: number; multi: number } {
  const counts = new Map<string, number>();
  for (const s of world.sessions) {
    for (const a of s.accounts) counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  const popular = [...counts].sort((a, b) =>
    b[1] - a[1] || (a[0] < b[0] ? -1 : 1)
  ).map((e) => e[0]);
  const sums = { single: [0, 0], multi: [0, 0] };
  for (const user of world.users) {
    const seeds = seedAccounts(world.sessionsByUser(user.id), {
      mode: seedMode,
    });
    const recommended = strategy === "popularity"
      ? popular.filter((a) => !seeds.includes(a)).slice(0, 10)
      : recommendAccounts(built.model, seeds, {
        k: 10,
        strategy: strategy as "mean",
      }).map((r) => r.account);
    const interests = world.userInterests(user.id);
    const hits = recommended.filter((a) =>
      interests.includes(world.topicOf(a))
    ).length;
    const bucket = interests.length === 1 ? sums.single : sums.multi;
    bucket[0]! += hits / 10;
    bucket[1]!++;
  }
  return {
    single: sums.single[0]! / sums.single[1]!,
    multi: sums.multi[0]! / sums.multi[1]!,
  };
}

Deno.test("`recommendAccounts()` on trained embeddings beats popularity at precision@10", () => {
  for (const seedMode of ["last-session", "recent"] as const) {
    const baseline = precisionAt10("popularity", seedMode);
    for (const strategy of RECOMMEND_STRATEGIES) {
      const p = precisionAt10(strategy, seedMode);
      const label = `${seedMode} ${strategy}: ${JSON.stringify(p)} vs ${
        JSON.stringify(baseline)
      }`;
      assert.ok(p.single > baseline.single + 0.3, label);
      assert.ok(p.multi > baseline.multi + 0.3, label);
    }
  }
});

Deno.test("`explore()` returns an empty page when no seed is known", () => {
  const context = {
    ...built.context(USERS[0]!.id),
    history: [{ accounts: ["nobody", "unknown"] }],
    user: "stranger",
  };
  const page = explore(context);
  assert.deepEqual(page.seeds, ["unknown", "nobody"]);
  assert.deepEqual(page.recentSession, ["nobody", "unknown"]);
  assert.deepEqual(page.accounts, []);
  assert.deepEqual(page.posts, []);
  assert.deepEqual(page.funnel, {
    candidates: 0,
    preselected: 0,
    scored: 0,
    page: 0,
  });
});

Deno.test("`explore()` rejects a scorer of another dimension and bad options", () => {
  const context = built.context(USERS[0]!.id);
  assert.throws(
    () => explore({ ...context, scorer: new PostScorer({ dim: 3 }) }),
    (e) => e instanceof TypeError && /dim 3/.test(e.message),
  );
  assert.throws(
    () => explore(context, { pageSize: -2 }),
    (e) => e instanceof RangeError && /pageSize .* got -2/.test(e.message),
  );
  assert.throws(() => explore(context, { accounts: 1.5 }), RangeError);
});

Deno.test("`buildExploreWorld()` contexts hold the user's sessions, follows and seen posts", () => {
  const user = USERS[5]!;
  const context = built.context(user.id);
  assert.deepEqual(context.history, world.sessionsByUser(user.id));
  assert.deepEqual([...context.follows!], user.follows);
  const shown = world.interactions.filter((x) => x.user === user.id)
    .map((x) => x.postId);
  assert.deepEqual(new Set(context.seen), new Set(shown));
  assert.ok(built.report.auc.like > built.report.baselineAuc.like);
  assert.throws(() => built.context("nobody"), RangeError);
});
