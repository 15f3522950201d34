/**
 * The reference notebook, step by step, on its own four sample sessions:
 * vocabulary, skip-gram pairs, SGNS training, vectors, similar accounts, hard
 * negatives, seed accounts, recommendation, candidate posts, a learned post
 * scorer, the value model, the diversity re-rank and the Explore grid.
 *
 * Where the notebook was wrong this walk-through does what explore2vec does
 * instead: a deterministic vocabulary order, hard negatives weighted by
 * frequency, a scorer trained on (simulated) interactions rather than random
 * numbers, and a greedy diversity re-rank.
 *
 * Run: deno run -A examples/notebook.ts
 */

import { buildCorpusSync } from "../src/corpus.ts";
import { candidatePosts } from "../src/candidates.ts";
import { formatGrid } from "../src/grid.ts";
import { PairStream } from "../src/pairs.ts";
import { Prng } from "../src/prng.ts";
import { rankPosts, valueScore } from "../src/rank.ts";
import { recommendAccounts } from "../src/recommend.ts";
import type { Interaction, Post, Session } from "../src/records.ts";
import { createSampler } from "../src/samplers.ts";
import { buildScorerExamples, PostScorer } from "../src/scorer.ts";
import { seedAccounts } from "../src/seeds.ts";
import { trainSync } from "../src/train.ts";

const SEED = 7;

// ── Sample sessions ─────────────────────────────────────────────────────────
// The notebook's four sessions: two about cats, two about travel.
const sessions: string[][] = [
  ["catsdaily", "meowworld", "funnycats"],
  ["travelgram", "naturepics", "worldexplorer"],
  ["catsdaily", "catvideos", "meowworld"],
  ["worldexplorer", "earthpix", "travelgram"],
];

// ── Vocabulary ──────────────────────────────────────────────────────────────
// Account ↔ index, by count descending then id: the same order on every run
// (the notebook used the iteration order of a Python set).
const { vocab, corpus } = buildCorpusSync(sessions);
console.log("Vocabulary (index: account ×count)");
for (let i = 0; i < vocab.size; i++) {
  console.log(`  ${i}: ${vocab.word(i)} ×${vocab.count(i)}`);
}

// ── Skip-gram pairs ─────────────────────────────────────────────────────────
// Window 1, every offset (the notebook's generate_skipgram_data).
const stream = new PairStream(corpus, vocab.counts, {
  window: 1,
  windowMode: "fixed",
  sample: 0,
  negatives: 3,
  prng: new Prng(SEED),
});
const capacity = 64;
const centers = new Int32Array(capacity);
const contexts = new Int32Array(capacity);
const negatives = new Int32Array(capacity * 3);
const pairCount = stream.fill(centers, contexts, negatives, capacity);
const pairs = Array.from(
  { length: pairCount },
  (_, i) => `(${vocab.word(centers[i]!)}, ${vocab.word(contexts[i]!)})`,
);
console.log(`\nSkip-gram pairs (${pairCount}): ${pairs.join(" ")}`);

// ── Training (SGNS) ─────────────────────────────────────────────────────────
// The notebook: Adam, lr 0.01, 100 epochs, 3 negatives, window 1. We use 8
// dimensions instead of 2 so the two topics separate reliably.
const model = trainSync(sessions, {
  dim: 8,
  window: 1,
  windowMode: "fixed",
  negatives: 3,
  epochs: 100,
  optimizer: "adam",
  lr: 0.01,
  sample: 0,
  sampler: "hard",
  seed: SEED,
});

// ── Vectors ─────────────────────────────────────────────────────────────────
console.log("\nLearned vectors");
for (const account of vocab.words) {
  const v = [...model.vector(account)!].map((x) => x.toFixed(2)).join(", ");
  console.log(`  ${account.padEnd(14)} → [${v}]`);
}

// ── Similar accounts ────────────────────────────────────────────────────────
console.log('\nAccounts most similar to "catsdaily"');
for (const [i, n] of model.similar("catsdaily", 3).entries()) {
  console.log(`  ${i + 1}. ${n.account} → similarity ${n.score.toFixed(4)}`);
}

// ── Hard negatives ──────────────────────────────────────────────────────────
// Negatives for a pair of session 1 come from accounts outside that session,
// more often the frequent ones (the notebook sorted by frequency and then
// sampled uniformly, which ignores the sort).
const hard = createSampler("hard", vocab.counts, { prng: new Prng(SEED) });
hard.beginSession(corpus.ids, corpus.offsets[0]!, corpus.offsets[1]!);
const drawn = new Int32Array(12);
const catsdaily = vocab.index("catsdaily")!;
const meowworld = vocab.index("meowworld")!;
for (let k = 0; k < drawn.length; k += 3) {
  hard.drawInto(drawn, k, 3, catsdaily, meowworld);
}
console.log(
  `\nHard negatives for (catsdaily, meowworld): ${
    [...drawn].map((i) => vocab.word(i)).join(", ")
  }`,
);

// ── Seed accounts ───────────────────────────────────────────────────────────
// The notebook's user_sessions; the seeds are the most recent session.
const userSessions: Session[] = [
  { accounts: ["catsdaily", "funnycats", "meowworld"] },
  { accounts: ["catvideos", "meowworld"] },
];
const seeds = seedAccounts(userSessions, { mode: "last-session" });
console.log(`\nSeed accounts: ${seeds.join(", ")}`);

// ── Recommend from seeds ────────────────────────────────────────────────────
// Average of the seed vectors, as the notebook; the seeds are excluded.
const recommended = recommendAccounts(model, seeds, {
  strategy: "mean",
  k: 6,
});
console.log("Recommended accounts based on the seeds");
for (const r of recommended) {
  console.log(
    `  → ${r.account} (similarity ${r.score.toFixed(4)}, because of ${
      r.because.join(", ")
    })`,
  );
}

// ── Candidate posts ─────────────────────────────────────────────────────────
// The notebook's posts p101–p103, plus a few more so the scorer has data.
const posts: Post[] = [
  { postId: "p101", account: "catvideos", features: { appeal: 0.7 } },
  { postId: "p102", account: "meowworld", features: { appeal: 0.6 } },
  { postId: "p103", account: "funnycats", features: { appeal: 0.8 } },
  { postId: "p104", account: "funnycats", features: { appeal: 0.4 } },
  { postId: "p105", account: "catsdaily", features: { appeal: 0.5 } },
  { postId: "p201", account: "travelgram", features: { appeal: 0.6 } },
  { postId: "p202", account: "earthpix", features: { appeal: 0.7 } },
  { postId: "p203", account: "naturepics", features: { appeal: 0.5 } },
  { postId: "p204", account: "worldexplorer", features: { appeal: 0.6 } },
];
const postsByAccount = new Map<string, Post[]>();
for (const p of posts) {
  postsByAccount.set(p.account, [...(postsByAccount.get(p.account) ?? []), p]);
}
const notebookPosts = new Set(["p101", "p102", "p103"]);
// The notebook ranks p101–p103 from catvideos, meowworld and funnycats, so
// those accounts are the sources here (seeds included, as in the notebook).
const sources = recommendAccounts(model, seeds, {
  strategy: "mean",
  k: model.size,
  excludeSeeds: false,
}).filter((r) => ["catvideos", "meowworld", "funnycats"].includes(r.account));
const candidates = candidatePosts(sources, postsByAccount, {
  perAccount: 1,
  order: "best",
})
  .filter((c) => notebookPosts.has(c.post.postId));
console.log(
  `\nCandidate posts: ${
    candidates.map((c) => `${c.post.postId}@${c.post.account}`).join(", ")
  }`,
);

// ── A learned scorer ────────────────────────────────────────────────────────
// The notebook scored posts with random numbers or an untrained network.
// Here the scorer learns from simulated interactions: cat people (the users
// of sessions 1 and 3) like cat posts and hide travel posts, and the other
// way round, with some noise.
const cats = new Set(["catsdaily", "meowworld", "funnycats", "catvideos"]);
const users: Session[] = sessions.map((accounts, i) => ({
  accounts,
  user: `u${i + 1}`,
}));
const prng = new Prng(SEED);
const interactions: Interaction[] = [];
for (let round = 0; round < 40; round++) {
  for (const session of users) {
    const catPerson = cats.has(session.accounts[0]!);
    for (const post of posts) {
      const match = cats.has(post.account) === catPerson;
      const appeal = post.features?.appeal ?? 0.5;
      interactions.push({
        user: session.user!,
        postId: post.postId,
        liked: prng.random() < (match ? 0.5 + 0.4 * appeal : 0.1),
        saved: prng.random() < (match ? 0.3 * appeal : 0.02),
        hidden: prng.random() < (match ? 0.02 : 0.3),
      });
    }
  }
}
const examples = buildScorerExamples(model, {
  sessions: users,
  posts,
  interactions,
});
const { scorer, report } = PostScorer.train(examples, {
  epochs: 30,
  seed: SEED,
});
console.log(
  `\nPost scorer trained on ${examples.length} interactions; validation AUC like ${
    report.auc.like.toFixed(3)
  }, save ${report.auc.save.toFixed(3)}, hide ${
    report.auc.hide.toFixed(3)
  } (random ≈ 0.5)`,
);

// ── Value model ─────────────────────────────────────────────────────────────
// w_like·P(like) + w_save·P(save) − w_hide·P(hide), weights 1.0, 1.2, 2.0.
console.log(
  `Value of the notebook's example (0.7, 0.4, 0.1): ${
    valueScore({ like: 0.7, save: 0.4, hide: 0.1 }).toFixed(4)
  }`,
);
// The user of the notebook's user_sessions, as the scorer sees them: the
// mean vector of their recent accounts.
const userVector = new Float32Array(model.dim);
const recent = userSessions.flatMap((s) => s.accounts);
for (const account of recent) {
  const v = model.vector(account)!;
  for (let j = 0; j < model.dim; j++) userVector[j]! += v[j]! / recent.length;
}
const scored = candidates.map((c) => ({
  post: c.post,
  probabilities: scorer.predict({
    userVector,
    accountVector: model.vector(c.post.account)!,
    post: c.post,
  }),
  seeds: c.because,
  similarity: c.similarity,
}));

// ── Diversity re-rank ───────────────────────────────────────────────────────
// Greedy: take the best post, then lower the other posts of its author by 0.2.
const ranked = rankPosts(scored, { diversityPenalty: 0.2 });
console.log("\nRanked recommended posts");
for (const r of ranked) {
  console.log(
    `  → Post ${r.postId} from @${r.account}: P(like) ${
      r.breakdown.pLike.toFixed(3)
    }, P(save) ${r.breakdown.pSave.toFixed(3)}, P(hide) ${
      r.breakdown.pHide.toFixed(3)
    }, score ${r.score.toFixed(4)}`,
  );
}

// ── Explore grid ────────────────────────────────────────────────────────────
console.log("\nExplore grid");
console.log(formatGrid(ranked, { columns: 3, rows: 1 }));
