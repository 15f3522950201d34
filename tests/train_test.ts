import assert from "node:assert/strict";
import { train, trainCorpusParallel, trainSync } from "../src/train.ts";
import { encodeModel } from "../src/model_io.ts";
import type { Model } from "../src/model.ts";
import { Prng } from "../src/prng.ts";
import { buildCorpusSync } from "../src/corpus.ts";
import { resolveTrainOptions } from "../src/train_options.ts";
import { NEGATIVE_BLOCK_ROWS, partitionNegatives } from "../src/_train_loop.ts";

/** Sessions drawn within one of `groups` planted groups of `size` accounts. */
function plantedSessions(
  groups: number,
  size: number,
  sessions: number,
  seed: number,
): string[][] {
  const prng = new Prng(seed);
  const out: string[][] = [];
  for (let s = 0; s < sessions; s++) {
    const g = prng.int(groups);
    const length = 4 + prng.int(12);
    const session: string[] = [];
    for (let i = 0; i < length; i++) session.push(`g${g}_a${prng.int(size)}`);
    out.push(session);
  }
  return out;
}

const NOTEBOOK_SESSIONS = [
  ["catsdaily", "meowworld", "funnycats"],
  ["travelgram", "naturepics", "worldexplorer"],
  ["catsdaily", "catvideos", "meowworld"],
  ["worldexplorer", "earthpix", "travelgram"],
];

Deno.test("trainSync() gives byte-identical models for the same seed on one thread", () => {
  const sessions = plantedSessions(5, 20, 600, 3);
  for (const optimizer of ["sgd", "adam"] as const) {
    const options = {
      dim: 24,
      epochs: 3,
      seed: 11,
      optimizer,
      sampler: "hard" as const,
    };
    const a = encodeModel(trainSync(sessions, options));
    const b = encodeModel(trainSync(sessions, options));
    assert.deepEqual(a, b, `${optimizer}: two runs differ`);
    const c = encodeModel(trainSync(sessions, { ...options, seed: 12 }));
    assert.notDeepEqual(a, c, `${optimizer}: another seed gave the same model`);
  }
});

Deno.test("trainSync() puts at least 90% of each account's 5 nearest neighbours in its planted group", () => {
  const sessions = plantedSessions(20, 50, 12000, 5);
  const model = trainSync(sessions, { dim: 32, epochs: 5, seed: 1 });
  assert.equal(model.vocab.size, 1000);
  let same = 0;
  let total = 0;
  let worst = 1;
  for (const account of model.vocab.words) {
    const group = account.split("_")[0];
    const neighbours = model.similar(account, 5);
    const own = neighbours.filter((n) =>
      n.account.split("_")[0] === group
    ).length;
    worst = Math.min(worst, own / 5);
    same += own;
    total += neighbours.length;
  }
  assert.ok(
    same / total >= 0.9,
    `only ${(100 * same / total).toFixed(1)}% of neighbours share the group`,
  );
});

Deno.test("trainSync() trains the notebook's four sessions and similar('catsdaily') returns the others", () => {
  const model = trainSync(NOTEBOOK_SESSIONS, {
    dim: 8,
    window: 1,
    windowMode: "fixed",
    epochs: 100,
    sample: 0,
  });
  assert.equal(model.vocab.size, 8);
  const similar = model.similar("catsdaily", 10);
  assert.equal(similar.length, 7);
  assert.deepEqual(
    similar.map((n) => n.account).sort(),
    model.vocab.words.filter((w) => w !== "catsdaily").slice().sort(),
  );
  for (const n of similar) {
    assert.ok(n.score >= -1 && n.score <= 1, `score ${n.score}`);
  }
});

Deno.test("trainSync() reports one progress record per epoch with a finite, falling loss", () => {
  const sessions = plantedSessions(4, 10, 400, 9);
  const epochs: { epoch: number; loss: number }[] = [];
  trainSync(sessions, {
    dim: 16,
    epochs: 4,
    onProgress: (p) => {
      if (p.epochDone) epochs.push({ epoch: p.epoch, loss: p.meanLoss });
    },
  });
  assert.deepEqual(epochs.map((e) => e.epoch), [1, 2, 3, 4]);
  assert.ok(epochs.every((e) => Number.isFinite(e.loss) && e.loss > 0));
  assert.ok(
    epochs[3]!.loss < epochs[0]!.loss,
    `loss went from ${epochs[0]!.loss} to ${epochs[3]!.loss}`,
  );
});

Deno.test("trainSync() refuses an empty vocabulary and bad options before any work", () => {
  assert.throws(() => trainSync([], { dim: 4 }), /vocabulary is empty/);
  assert.throws(() => trainSync([["a", "b"]], { dim: 0 }), RangeError);
  assert.throws(
    () => trainSync([["a", "b"]], { sampler: "nope" as "uniform" }),
    /unknown sampler/,
  );
});

Deno.test("trainSync() uses the global context: every center is trained to predict it", () => {
  // Accounts of group 0 never share a window with "follow0"; only the global
  // context pairs them. Their input vectors must then score follow0's output
  // vector above follow1's, and without the global context they must not.
  const prng = new Prng(2);
  const sessions: string[][] = [];
  const global: (string | undefined)[] = [];
  for (let s = 0; s < 400; s++) {
    const group = s % 2;
    sessions.push(Array.from({ length: 6 }, () => `g${group}_${prng.int(8)}`));
    global.push(`follow${group}`);
  }
  sessions.push(["follow0"], ["follow1"]);
  global.push(undefined, undefined);
  const options = { dim: 16, epochs: 5, seed: 3, sample: 0 };
  const margin = (m: ReturnType<typeof trainSync>) => {
    const out = (id: string) => {
      const i = m.vocab.index(id)!;
      return m.output!.subarray(i * m.dim, (i + 1) * m.dim);
    };
    const f0 = out("follow0");
    const f1 = out("follow1");
    let sum = 0;
    const ids = m.vocab.words.filter((w) => w.startsWith("g0_"));
    for (const id of ids) {
      const v = m.vector(id)!;
      let d0 = 0;
      let d1 = 0;
      for (let k = 0; k < m.dim; k++) {
        d0 += v[k]! * f0[k]!;
        d1 += v[k]! * f1[k]!;
      }
      sum += d0 - d1;
    }
    return sum / ids.length;
  };
  const withGlobal = margin(
    trainSync(sessions, { ...options, globalContext: global }),
  );
  const without = margin(trainSync(sessions, options));
  assert.ok(
    withGlobal > 2,
    `group 0 does not predict its global context: margin ${withGlobal}`,
  );
  assert.ok(
    Math.abs(without) < 1,
    `without global context the margin should be near 0, got ${without}`,
  );
});

Deno.test("train() with two threads learns the planted groups too", async () => {
  const sessions = plantedSessions(10, 30, 6000, 8);
  const model = await train(sessions, {
    dim: 24,
    epochs: 4,
    threads: 2,
    seed: 4,
  });
  const share = groupShare(model, 5);
  assert.ok(share >= 0.9, `only ${(100 * share).toFixed(1)}% share the group`);
});

Deno.test("training fits its fixed-size kernel memory for every optimizer, odd dims and three threads", async () => {
  // 600 accounts: at dim 33 a matrix spans more than one 64 KiB page.
  const sessions = plantedSessions(20, 30, 1500, 6);
  for (const optimizer of ["sgd", "adam"] as const) {
    for (const [dim, threads] of [[7, 3], [33, 1], [33, 2]] as const) {
      const model = await train(sessions, {
        dim,
        epochs: 2,
        threads,
        optimizer,
        seed: 3,
      });
      assert.equal(model.input.length, model.vocab.size * dim);
      const output = model.output;
      assert.ok(output !== null);
      assert.ok(
        model.input.every(Number.isFinite) && output.every(Number.isFinite),
        `${optimizer}, dim ${dim}, ${threads} threads: non-finite weights`,
      );
      // Training moved the output vectors away from their zero start.
      assert.ok(
        output.some((x) => x !== 0),
        `${optimizer}, dim ${dim}, ${threads} threads: nothing was trained`,
      );
    }
  }
});

Deno.test("trainCorpusParallel() refuses checkpoints with more than one thread", async () => {
  const built = buildCorpusSync([["a", "b", "c"]]);
  const params = resolveTrainOptions({ dim: 4, threads: 2 });
  await assert.rejects(
    () =>
      trainCorpusParallel(built.vocab, built.corpus, params, {
        checkpoint: { path: "x" },
      }),
    /threads 1/,
  );
});

Deno.test("`partitionNegatives()` keeps concurrent Workers on disjoint rows near the drawn ones", () => {
  const vocabSize = 1000;
  const prng = new Prng(8);
  for (const parts of [2, 3]) {
    const drawn = Int32Array.from(
      { length: 5000 },
      (_, i) => i % 97 === 0 ? -1 : prng.int(vocabSize),
    );
    const seen = Array.from({ length: parts }, () => new Set<number>());
    for (let part = 0; part < parts; part++) {
      const negatives = drawn.slice();
      partitionNegatives(negatives, negatives.length, part, parts, vocabSize);
      for (let k = 0; k < negatives.length; k++) {
        const t = negatives[k]!;
        const d = drawn[k]!;
        if (d < 0) {
          assert.equal(t, -1);
          continue;
        }
        assert.ok(t >= 0 && t < vocabSize, `row ${t} out of range`);
        // Same row within the block, a block of the same group.
        assert.equal(t % NEGATIVE_BLOCK_ROWS, d % NEGATIVE_BLOCK_ROWS);
        const group = NEGATIVE_BLOCK_ROWS * parts;
        assert.equal(Math.floor(t / group), Math.floor(d / group));
        const inPart = Math.floor(t / NEGATIVE_BLOCK_ROWS) % parts === part;
        // Only the last, incomplete group may keep a row of another part.
        assert.ok(
          inPart || (Math.floor(d / group) + 1) * group > vocabSize,
          `row ${t} (drawn ${d}) is not in part ${part} of ${parts}`,
        );
        if (inPart) seen[part]!.add(t);
      }
    }
    for (let a = 0; a < parts; a++) {
      for (let b = a + 1; b < parts; b++) {
        for (const row of seen[a]!) assert.ok(!seen[b]!.has(row));
      }
    }
  }
});

Deno.test("two Workers train with the hard sampler too", async () => {
  const sessions = plantedSessions(6, 12, 1500, 5);
  const model = await train(sessions, {
    dim: 16,
    epochs: 3,
    threads: 2,
    sampler: "hard",
    seed: 2,
  });
  const share = groupShare(model, 3);
  assert.ok(share >= 0.8, `only ${(100 * share).toFixed(1)}% share the group`);
});

/** The share of each account's `k` nearest neighbours in its planted group. */
function groupShare(model: Model, k: number): number {
  let same = 0;
  let total = 0;
  for (const account of model.vocab.words) {
    const group = account.split("_")[0];
    for (const n of model.similar(account, k)) {
      total++;
      if (n.account.split("_")[0] === group) same++;
    }
  }
  return same / total;
}
