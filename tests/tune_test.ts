import assert from "node:assert/strict";
import { evaluate } from "../src/evaluate.ts";
import { Prng } from "../src/prng.ts";
import { splitByTime } from "../src/split.ts";
import { trainSync } from "../src/train.ts";
import type { TrainOptions } from "../src/train_options.ts";
import { tune, type TuneTrial, tuneTrialCount } from "../src/tune.ts";

/** Sessions that walk inside one of four topics of eight accounts each. */
function topicSessions(count: number, seed: number): string[][] {
  const prng = new Prng(seed);
  const sessions: string[][] = [];
  for (let s = 0; s < count; s++) {
    const topic = prng.int(4);
    const length = 3 + prng.int(4);
    const session: string[] = [];
    for (let i = 0; i < length; i++) session.push(`t${topic}_${prng.int(8)}`);
    sessions.push(session);
  }
  return sessions;
}

const SESSIONS = topicSessions(300, 11);
const SMALL = {
  base: { dim: 8 },
  space: { epochs: [1, 4] as const },
};

function better(a: TuneTrial, b: TuneTrial): boolean {
  return a.hitRate > b.hitRate || (a.hitRate === b.hitRate && a.mrr > b.mrr);
}

Deno.test("`tune()` returns the best of the configurations it tried, deterministically", () => {
  const first = tune(SESSIONS, { ...SMALL, budget: 4, seed: 5 });
  const again = tune(SESSIONS, { ...SMALL, budget: 4, seed: 5 });
  assert.equal(first.trials.length, 4);
  for (const trial of first.trials) {
    assert.ok(!better(trial, first.best), `trial ${trial.id} beats the best`);
  }
  assert.ok(first.trials.includes(first.best));
  assert.deepEqual(
    again.trials.map((t) => [t.options, t.hitRate, t.mrr]),
    first.trials.map((t) => [t.options, t.hitRate, t.mrr]),
  );
  assert.equal(first.trainSessions, 270);
  assert.equal(first.validationSessions, 30);
  // The trials differ, so the search compared something.
  const distinct = new Set(first.trials.map((t) => JSON.stringify(t.options)));
  assert.equal(distinct.size, 4);
});

Deno.test("`tune()` reports scores that retraining the best configuration reproduces", () => {
  const result = tune(SESSIONS, { ...SMALL, budget: 3, seed: 2 });
  const { train, test } = splitByTime(SESSIONS, { testFraction: 0.1 });
  const model = trainSync(train, { dim: 8, ...result.best.options, seed: 2 });
  const report = evaluate(model, test, { k: [20] });
  assert.equal(report.metrics[0]!.hitRate, result.best.hitRate);
  assert.equal(report.metrics[0]!.mrr, result.best.mrr);
});

Deno.test("`tune()` draws configurations inside the search space", () => {
  const seen: TuneTrial[] = [];
  tune(SESSIONS, {
    budget: 6,
    seed: 9,
    base: { dim: 4 },
    space: {
      window: [2, 3],
      epochs: [1, 2],
      nsExponent: [-0.5, -0.5],
      sample: [0],
      negatives: [5, 6],
      windowMode: ["fixed"],
    },
    trainer: (sessions, options) => {
      assert.equal(sessions.length, 270);
      assert.equal(options.dim, 4);
      assert.equal(options.seed, 9);
      return trainSync(sessions, options);
    },
    onTrial: (trial) => seen.push(trial),
  });
  assert.equal(seen.length, 6);
  for (const { options } of seen) {
    assert.ok(options.window >= 2 && options.window <= 3);
    assert.ok(options.epochs >= 1 && options.epochs <= 2);
    assert.equal(options.nsExponent, -0.5);
    assert.equal(options.sample, 0);
    assert.ok(options.negatives === 5 || options.negatives === 6);
    assert.equal(options.windowMode, "fixed");
  }
});

Deno.test("`tune()` with halving trains the survivors longer and picks from the last rung", () => {
  const epochsSeen: number[] = [];
  const result = tune(SESSIONS, {
    ...SMALL,
    space: { epochs: [9, 9] },
    budget: 9,
    strategy: "halving",
    seed: 4,
    trainer: (sessions, options) => {
      epochsSeen.push(options.epochs!);
      return trainSync(sessions, { ...options, epochs: 1 });
    },
  });
  // 9 configurations at 1 epoch, 3 at 3, 1 at 9.
  assert.deepEqual(result.trials.map((t) => t.rung), [
    ...Array(9).fill(0),
    ...Array(3).fill(1),
    2,
  ]);
  assert.deepEqual(epochsSeen, [...Array(9).fill(1), 3, 3, 3, 9]);
  assert.equal(result.best.rung, 2);
  // The rung-1 survivors are the best three of rung 0.
  const rung0 = result.trials.filter((t) => t.rung === 0);
  const promoted = new Set(
    result.trials.filter((t) => t.rung === 1).map((t) => t.id),
  );
  for (const t of rung0) {
    if (promoted.has(t.id)) continue;
    for (const id of promoted) {
      const p = rung0.find((r) => r.id === id)!;
      assert.ok(!better(t, p), `trial ${t.id} should have been promoted`);
    }
  }
});

Deno.test("`tune()` samples sessions with its seed", () => {
  const result = tune(SESSIONS, { ...SMALL, budget: 1, sample: 0.5, seed: 3 });
  const total = result.trainSessions + result.validationSessions;
  assert.ok(total > 100 && total < 200, `sampled ${total} of 300`);
});

Deno.test("`tune()` caps negatives below the vocabulary size", () => {
  const tiny = Array.from(
    { length: 40 },
    (_, i) => [`a${i % 5}`, `a${(i + 2) % 5}`],
  );
  const result = tune(tiny, {
    budget: 3,
    base: { dim: 4 },
    space: { epochs: [1, 2] },
  });
  for (const trial of result.trials) assert.equal(trial.options.negatives, 3);
});

Deno.test("`tune()` rejects bad options", () => {
  assert.throws(() => tune(SESSIONS, { budget: 0 }), RangeError);
  assert.throws(() => tune(SESSIONS, { sample: 0 }), RangeError);
  assert.throws(() => tune(SESSIONS, { validationFraction: 1 }), RangeError);
  assert.throws(
    () => tune(SESSIONS, { space: { window: [3, 2] } }),
    /Cannot tune: window range must be integers 1 <= min <= max, got \[3, 2\]/,
  );
  assert.throws(() => tune([["a", "b"]], { budget: 1 }), RangeError);
});

Deno.test("`tune()` tries its start configurations first and caps their negatives", () => {
  const start = {
    window: 3,
    windowMode: "shrinking" as const,
    epochs: 2,
    nsExponent: 0.75,
    sample: 1e-4,
    negatives: 500,
  };
  const trained: TrainOptions[] = [];
  const result = tune(SESSIONS, {
    ...SMALL,
    budget: 3,
    seed: 6,
    start: [start],
    trainer: (sessions, options) => {
      trained.push(options);
      return trainSync(sessions, options);
    },
  });
  assert.deepEqual(result.trials[0]!.options, { ...start, negatives: 30 });
  assert.equal(trained[0]!.epochs, 2);
  assert.equal(trained.length, 3);
  // The drawn configurations are the first draws of the same seed.
  const plain = tune(SESSIONS, { ...SMALL, budget: 2, seed: 6 });
  assert.deepEqual(
    result.trials.slice(1).map((t) => t.options),
    plain.trials.map((t) => t.options),
  );
});

Deno.test("`tuneTrialCount()` is the number of trials tune() runs", () => {
  for (const strategy of ["random", "halving"] as const) {
    for (const budget of [1, 2, 4, 10]) {
      let heard = 0;
      const result = tune(SESSIONS, {
        base: { dim: 4 },
        space: { epochs: [1, 1] },
        budget,
        strategy,
        trainer: (sessions, options) =>
          trainSync(sessions, { ...options, epochs: 1 }),
        onTrial: (_, done, total) => {
          heard = done;
          assert.equal(total, tuneTrialCount(budget, strategy));
        },
      });
      assert.equal(result.trials.length, tuneTrialCount(budget, strategy));
      assert.equal(heard, result.trials.length);
    }
  }
  assert.equal(tuneTrialCount(10, "halving"), 10 + 4 + 2 + 1);
});
