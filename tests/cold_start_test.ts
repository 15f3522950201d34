import assert from "node:assert/strict";
import { coldStartVector, withColdStartAccounts } from "../src/cold_start.ts";
import { Model } from "../src/model.ts";
import { recommendAccounts } from "../src/recommend.ts";
import { simulateWorld } from "../src/simulate.ts";
import { trainSync } from "../src/train.ts";
import { Vocabulary } from "../src/vocab.ts";

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
  }
  return dot / Math.sqrt(na * nb);
}

const world = simulateWorld({
  topics: 6,
  accountsPerTopic: 15,
  users: 200,
  seed: 3,
});
// A mid-popularity account of the first topic is held out of training.
const heldOut = world.accounts[4]!.id;
const coAccounts: string[] = [];
for (const session of world.sessions) {
  if (!session.accounts.includes(heldOut)) continue;
  for (const a of session.accounts) if (a !== heldOut) coAccounts.push(a);
}
const trainOptions = { dim: 24, epochs: 5, seed: 1 };
const withoutHeldOut = trainSync(
  world.sessions.map((s) => s.accounts.filter((a) => a !== heldOut)),
  trainOptions,
);
const full = trainSync(world.sessions, trainOptions);

Deno.test("`coldStartVector()` places a held-out account among its topic", () => {
  assert.equal(withoutHeldOut.vector(heldOut), undefined);
  assert.ok(coAccounts.length > 10);
  const v = coldStartVector(withoutHeldOut, coAccounts)!;
  assert.equal(v.length, withoutHeldOut.dim);
  const neighbours = withoutHeldOut.similarToVector(v, 10);
  const sameTopic = neighbours.filter(
    (n) => world.topicOf(n.account) === world.topicOf(heldOut),
  ).length;
  assert.ok(sameTopic >= 8, `${sameTopic}/10 neighbours share the topic`);
});

Deno.test("`coldStartVector()` agrees with the trained vector's neighbourhood", () => {
  const v = coldStartVector(full, coAccounts)!;
  const trained = full.vector(heldOut)!;
  const trainedTop = new Set(full.similar(heldOut, 10).map((n) => n.account));
  const coldTop = full.similarToVector(v, 10, { exclude: [heldOut] });
  const overlap = coldTop.filter((n) => trainedTop.has(n.account)).length;
  assert.ok(overlap >= 5, `overlap ${overlap}/10`);
  // Closer to its own trained vector than to any account of another topic.
  const others = world.accounts.filter((a) =>
    a.topic !== world.topicOf(heldOut)
  );
  const closestOther = Math.max(
    ...others.map((a) => cosine(v, full.vector(a.id)!)),
  );
  assert.ok(cosine(v, trained) > closestOther);
});

Deno.test("`coldStartVector()` weights co-accounts and ignores unknown ones", () => {
  const vocab = new Vocabulary(["a", "b"], [1, 1]);
  const model = new Model({
    vocab,
    dim: 2,
    input: Float32Array.of(3, 0, 0, 1),
  });
  // Unit vectors (1,0) and (0,1) weighted 3:1, length the weighted mean (3·3 + 1)/4.
  const v = coldStartVector(model, ["a", "b", "zzz"], { weights: [3, 1, 5] })!;
  const direction = Math.hypot(3, 1);
  assert.ok(Math.abs(v[0]! - (3 / direction) * 2.5) < 1e-5);
  assert.ok(Math.abs(v[1]! - (1 / direction) * 2.5) < 1e-5);
  // Repeats count like weights.
  const repeated = coldStartVector(model, ["a", "a", "a", "b"])!;
  assert.ok(Math.abs(repeated[0]! - v[0]!) < 1e-5);
  assert.equal(coldStartVector(model, []), undefined);
  assert.equal(coldStartVector(model, ["a"], { weights: [0] }), undefined);
  assert.throws(
    () => coldStartVector(model, ["a"], { weights: [1, 2] }),
    TypeError,
  );
  assert.throws(
    () => coldStartVector(model, ["a"], { weights: [-1] }),
    (e) => e instanceof RangeError && /got -1/.test(e.message),
  );
});

Deno.test("`withColdStartAccounts()` makes new accounts recommendable and usable as seeds", () => {
  const skipped: string[] = [];
  const extended = withColdStartAccounts(
    withoutHeldOut,
    new Map([[heldOut, coAccounts], ["ghost", ["nobody"]]]),
    { skipped },
  );
  assert.deepEqual(skipped, ["ghost"]);
  assert.equal(extended.size, withoutHeldOut.size + 1);
  assert.equal(extended.vocab.index(heldOut), withoutHeldOut.size);
  assert.equal(withoutHeldOut.vocab.has(heldOut), false);
  // The trained rows are unchanged.
  assert.deepEqual(
    extended.input.subarray(0, withoutHeldOut.input.length),
    withoutHeldOut.input,
  );
  const fromNew = recommendAccounts(extended, [heldOut], { k: 10 });
  const topic = world.topicOf(heldOut);
  assert.ok(
    fromNew.filter((r) => world.topicOf(r.account) === topic).length >= 8,
  );
  // Seeds of its topic bring the new account back.
  const topicSeeds = world.accounts.filter((a) => a.topic === topic)
    .map((a) => a.id).filter((a) => a !== heldOut).slice(0, 5);
  const recs = recommendAccounts(extended, topicSeeds, {
    strategy: "mean",
    k: 15,
  });
  assert.ok(recs.some((r) => r.account === heldOut));
});

Deno.test("`withColdStartAccounts()` keeps trained vectors of known accounts and output rows", () => {
  const vocab = new Vocabulary(["a", "b"], [2, 1]);
  const model = new Model({
    vocab,
    dim: 2,
    input: Float32Array.of(1, 0, 0, 1),
    output: Float32Array.of(5, 5, 6, 6),
  });
  const extended = withColdStartAccounts(model, { a: ["b"], c: ["a"] });
  assert.deepEqual([...extended.vocab.words], ["a", "b", "c"]);
  assert.deepEqual([...extended.vector("a")!], [1, 0]);
  assert.deepEqual([...extended.vector("c")!], [1, 0]);
  assert.deepEqual([...extended.output!], [5, 5, 6, 6, 0, 0]);
});
