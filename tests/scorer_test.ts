import assert from "node:assert/strict";
import {
  auc,
  buildScorerExamples,
  PostScorer,
  RandomScorer,
  type ScorerExample,
} from "../src/scorer.ts";
import { simulateWorld, type World } from "../src/simulate.ts";
import { Model } from "../src/model.ts";
import { Vocabulary } from "../src/vocab.ts";
import { Prng } from "../src/prng.ts";
import { trainSync } from "../src/train.ts";

/** Embeddings planted from the world's topic mixes: topic directions plus noise. */
function plantedModel(world: World, dim: number, seed: number): Model {
  const prng = new Prng(seed);
  const directions = world.topics.map(() =>
    Float32Array.from({ length: dim }, () => prng.random() * 2 - 1)
  );
  const ids = world.accounts.map((a) => a.id);
  const input = new Float32Array(ids.length * dim);
  world.accounts.forEach((account, i) => {
    for (const { topic, weight } of account.topics) {
      const dir = directions[world.topics.indexOf(topic)]!;
      for (let d = 0; d < dim; d++) input[i * dim + d]! += weight * dir[d]!;
    }
    for (let d = 0; d < dim; d++) {
      input[i * dim + d]! += 0.2 * (prng.random() - 0.5);
    }
  });
  return new Model({
    vocab: new Vocabulary(ids, ids.map(() => 1)),
    dim,
    input,
  });
}

function randomExamples(n: number, dim: number, seed: number): ScorerExample[] {
  const prng = new Prng(seed);
  const vec = () =>
    Float32Array.from({ length: dim }, () => prng.random() * 2 - 1);
  const out: ScorerExample[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      userVector: vec(),
      accountVector: vec(),
      post: {
        postId: `p${i}`,
        account: `a${i}`,
        ts: 1000 + i * 50_000,
        features: { appeal: prng.random(), isVideo: prng.int(2) },
      },
      now: 2_000_000,
      labels: {
        liked: prng.random() < 0.5,
        saved: prng.random() < 0.3,
        hidden: prng.random() < 0.2,
      },
    });
  }
  return out;
}

Deno.test("`auc()` matches hand-computed cases, with ties averaged", () => {
  // Pairs (pos, neg): 0.35 > 0.1 yes, 0.35 > 0.4 no, 0.8 beats both: 3 of 4.
  assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  // Positives 1 and 2, negatives 1 and 1: the tied pairs count ½ each.
  assert.equal(auc([1, 1, 1, 2], [1, 0, 0, 1]), 0.75);
  assert.equal(auc([3, 3, 3], [true, false, true]), 0.5);
  assert.equal(auc([1, 2, 3], [0, 1, 1]), 1);
  assert.equal(auc([3, 2, 1], [0, 1, 1]), 0);
  assert.ok(Number.isNaN(auc([1, 2], [1, 1])));
  assert.ok(Number.isNaN(auc([], [])));
  assert.throws(() => auc([1, 2], [1]), TypeError);
});

Deno.test("`PostScorer.lossAndGradient()` matches finite differences", () => {
  const examples = randomExamples(6, 3, 2);
  const scorer = new PostScorer({ dim: 3, hidden: 5, seed: 4 });
  const params = scorer.parameters;
  // Non-zero output biases so every parameter group matters.
  params[params.length - 1] = 0.3;
  const { gradient } = scorer.lossAndGradient(examples);
  const eps = 1e-6;
  let maxError = 0;
  for (let p = 0; p < params.length; p++) {
    const keep = params[p]!;
    params[p] = keep + eps;
    const up = scorer.lossAndGradient(examples).loss;
    params[p] = keep - eps;
    const down = scorer.lossAndGradient(examples).loss;
    params[p] = keep;
    const numeric = (up - down) / (2 * eps);
    maxError = Math.max(maxError, Math.abs(numeric - gradient[p]!));
  }
  assert.ok(maxError < 1e-6, `max gradient error ${maxError}`);
  assert.ok(gradient.some((g) => Math.abs(g) > 1e-3));
});

Deno.test("`PostScorer.train()` learns the simulator's actions well above chance", () => {
  const world = simulateWorld({
    topics: 8,
    accountsPerTopic: 12,
    users: 150,
    seed: 5,
  });
  const model = plantedModel(world, 12, 9);
  const examples = buildScorerExamples(model, world);
  assert.equal(examples.length, world.interactions.length);
  const { scorer, report } = PostScorer.train(examples, { seed: 1 });
  assert.equal(
    report.trainExamples + report.validationExamples,
    examples.length,
  );
  assert.equal(report.validationExamples, Math.floor(examples.length * 0.2));
  assert.ok(report.auc.like > 0.7, `like AUC ${report.auc.like}`);
  assert.ok(report.auc.hide > 0.7, `hide AUC ${report.auc.hide}`);
  assert.ok(report.auc.save > 0.62, `save AUC ${report.auc.save}`);
  for (const action of ["like", "save", "hide"] as const) {
    assert.ok(Math.abs(report.baselineAuc[action] - 0.5) < 0.08);
    assert.ok(report.auc[action] > report.baselineAuc[action] + 0.1);
  }
  // The ground truth bounds what any scorer can reach; ours gets close.
  const truth = { like: [] as number[], hide: [] as number[] };
  const labels = { like: [] as boolean[], hide: [] as boolean[] };
  const learned = { like: [] as number[], hide: [] as number[] };
  for (const e of examples) {
    const p = world.trueProbabilities(e.user!, e.post.postId);
    const q = scorer.predict(e);
    truth.like.push(p.like);
    truth.hide.push(p.hide);
    learned.like.push(q.like);
    learned.hide.push(q.hide);
    labels.like.push(e.labels!.liked);
    labels.hide.push(e.labels!.hidden);
  }
  for (const action of ["like", "hide"] as const) {
    const oracle = auc(truth[action], labels[action]);
    const ours = auc(learned[action], labels[action]);
    assert.ok(ours > oracle - 0.06, `${action}: ${ours} vs oracle ${oracle}`);
  }
});

Deno.test("`PostScorer.train()` beats chance on embeddings trained from the sessions", () => {
  const world = simulateWorld({
    topics: 6,
    accountsPerTopic: 12,
    users: 150,
    seed: 6,
  });
  const model = trainSync(world.sessions, { dim: 16, epochs: 3, seed: 2 });
  const examples = buildScorerExamples(model, world);
  const { report } = PostScorer.train(examples, { seed: 2 });
  assert.ok(report.auc.like > 0.65, `like AUC ${report.auc.like}`);
  assert.ok(report.auc.hide > 0.65, `hide AUC ${report.auc.hide}`);
  assert.ok(report.auc.save > report.baselineAuc.save + 0.05);
});

Deno.test("`PostScorer.train()` is deterministic for a seed", () => {
  const examples = randomExamples(200, 4, 8);
  const a = PostScorer.train(examples, { epochs: 3, seed: 7 });
  const b = PostScorer.train(examples, { epochs: 3, seed: 7 });
  assert.deepEqual(a.scorer.toJSON(), b.scorer.toJSON());
  assert.deepEqual(a.report, b.report);
  const c = PostScorer.train(examples, { epochs: 3, seed: 8 });
  assert.notDeepEqual(a.scorer.toJSON().params, c.scorer.toJSON().params);
});

Deno.test("`PostScorer.fromJSON()` restores a scorer that predicts the same", () => {
  const examples = randomExamples(100, 3, 1);
  const { scorer } = PostScorer.train(examples, { epochs: 2, hidden: 8 });
  const restored = PostScorer.fromJSON(JSON.parse(JSON.stringify(scorer)));
  assert.equal(restored.hidden, 8);
  assert.deepEqual(
    restored.predictBatch(examples),
    scorer.predictBatch(examples),
  );
  const json = scorer.toJSON();
  assert.throws(() => PostScorer.fromJSON({ ...json, format: "x" }), TypeError);
  assert.throws(() => PostScorer.fromJSON({ ...json, version: 9 }), TypeError);
  assert.throws(
    () => PostScorer.fromJSON({ ...json, params: json.params.slice(1) }),
    TypeError,
  );
});

Deno.test("`PostScorer.predict()` gives probabilities and checks vector lengths", () => {
  const examples = randomExamples(50, 3, 3);
  const scorer = new PostScorer({ dim: 3 });
  for (const p of scorer.predictBatch(examples)) {
    for (const v of [p.like, p.save, p.hide]) assert.ok(v > 0 && v < 1);
  }
  const bad = { ...examples[0]!, userVector: new Float32Array(4) };
  assert.throws(() => scorer.predict(bad), TypeError);
  assert.equal(scorer.features(examples[0]!).length, scorer.inputs);
  assert.equal(scorer.inputs, 3 * 3 + 4);
});

Deno.test("`PostScorer.train()` rejects bad input", () => {
  const examples = randomExamples(10, 2, 3);
  assert.throws(() => PostScorer.train([]), RangeError);
  assert.throws(
    () => PostScorer.train([{ ...examples[0]!, labels: undefined }]),
    TypeError,
  );
  assert.throws(() => PostScorer.train(examples, { epochs: 0 }), RangeError);
  assert.throws(
    () => PostScorer.train(examples, { validationFraction: 1 }),
    RangeError,
  );
});

Deno.test("`RandomScorer` is seeded and scores at chance", () => {
  const a = new RandomScorer(3);
  const b = new RandomScorer(3);
  const labels: boolean[] = [];
  const scores: number[] = [];
  const prng = new Prng(1);
  for (let i = 0; i < 2000; i++) {
    const p = a.predict();
    assert.deepEqual(b.predict(), p);
    scores.push(p.like);
    labels.push(prng.random() < 0.5);
  }
  assert.ok(Math.abs(auc(scores, labels) - 0.5) < 0.05);
});

Deno.test("`buildScorerExamples()` averages each user's most recent accounts and skips unknowns", () => {
  const model = new Model({
    vocab: new Vocabulary(["a", "b", "c"], [3, 2, 1]),
    dim: 2,
    input: Float32Array.of(1, 0, 0, 1, 1, 1),
  });
  const examples = buildScorerExamples(model, {
    sessions: [
      // Later session listed first: order comes from ts.
      { user: "u1", accounts: ["c", "b"], ts: 20 },
      { user: "u1", accounts: ["a", "a", "unknown"], ts: 10 },
      { user: "u2", accounts: ["nobody"] },
    ],
    posts: [
      { postId: "p1", account: "a", ts: 5 },
      { postId: "p2", account: "zzz" },
    ],
    interactions: [
      {
        user: "u1",
        postId: "p1",
        liked: true,
        saved: false,
        hidden: false,
        ts: 86_405,
      },
      { user: "u1", postId: "p2", liked: true, saved: false, hidden: false },
      { user: "u1", postId: "p9", liked: true, saved: false, hidden: false },
      { user: "u2", postId: "p1", liked: true, saved: false, hidden: false },
      { user: "u3", postId: "p1", liked: true, saved: false, hidden: false },
    ],
  }, { recentAccounts: 3 });
  assert.equal(examples.length, 1);
  const e = examples[0]!;
  // Last three known visits: b, c, a → mean of (0,1), (1,1), (1,0).
  assert.deepEqual(Array.from(e.userVector), [2 / 3, 2 / 3].map(Math.fround));
  assert.deepEqual(Array.from(e.accountVector), [1, 0]);
  assert.equal(e.now, 86_405);
  assert.deepEqual(e.labels, { liked: true, saved: false, hidden: false });
  assert.throws(
    () =>
      buildScorerExamples(
        model,
        { sessions: [], posts: [], interactions: [] },
        { recentAccounts: 0 },
      ),
    RangeError,
  );
});
