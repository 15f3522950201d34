import assert from "node:assert/strict";
import { trainSync } from "../src/train.ts";
import {
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
} from "../src/checkpoint.ts";
import { encodeModel } from "../src/model_io.ts";
import { InputError } from "../src/errors.ts";
import { Prng } from "../src/prng.ts";

function sessions(seed: number): string[][] {
  const prng = new Prng(seed);
  return Array.from({ length: 500 }, () => {
    const g = prng.int(6);
    return Array.from(
      { length: 3 + prng.int(8) },
      () => `g${g}_${prng.int(15)}`,
    );
  });
}

class Crash extends Error {}

for (const optimizer of ["sgd", "adam"] as const) {
  for (const sampler of ["unigram", "hard"] as const) {
    Deno.test(`trainSync() resumed from a checkpoint equals an uninterrupted run (${optimizer}, ${sampler})`, async () => {
      const dir = await Deno.makeTempDir();
      try {
        const data = sessions(4);
        const options = {
          dim: 12,
          epochs: 6,
          seed: 9,
          optimizer,
          sampler,
          batchPairs: 512,
        };
        const whole = encodeModel(trainSync(data, options));
        const path = `${dir}/run.ckpt`;
        // A run that crashes early in epoch 4, after the epoch-3 checkpoint.
        assert.throws(
          () =>
            trainSync(data, {
              ...options,
              checkpoint: { path, every: 3 },
              onProgress: (p) => {
                if (p.epoch === 4) throw new Crash("stopped");
              },
              progressInterval: 0,
            }),
          Crash,
        );
        const checkpoint = await loadCheckpoint(path);
        assert.equal(checkpoint.epochsDone, 3);
        const resumed = encodeModel(
          trainSync(data, { ...options, resume: checkpoint }),
        );
        assert.deepEqual(resumed, whole);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
}

Deno.test("trainSync() refuses to resume a checkpoint of other sessions or options", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.ckpt`;
    trainSync(sessions(1), { dim: 8, epochs: 2, checkpoint: { path } });
    const checkpoint = await loadCheckpoint(path);
    assert.equal(checkpoint.epochsDone, 2);
    assert.throws(
      () => trainSync(sessions(2), { dim: 8, epochs: 4, resume: checkpoint }),
      /Cannot resume/,
    );
    assert.throws(
      () =>
        trainSync(sessions(1), {
          dim: 8,
          epochs: 4,
          window: 2,
          resume: checkpoint,
        }),
      /window/,
    );
    assert.throws(
      () => trainSync(sessions(1), { dim: 8, epochs: 2, resume: checkpoint }),
      /epochs/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeCheckpoint() rejects foreign, truncated and newer files with an InputError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/b.ckpt`;
    trainSync(sessions(3), { dim: 4, epochs: 1, checkpoint: { path } });
    const bytes = await Deno.readFile(path);
    const good = decodeCheckpoint(bytes, "b.ckpt");
    assert.deepEqual(encodeCheckpoint(good), bytes);
    assert.throws(
      () =>
        decodeCheckpoint(
          new TextEncoder().encode("hello world, not a checkpoint"),
          "x",
        ),
      (e) =>
        e instanceof InputError &&
        /not an explore2vec checkpoint/.test(e.message),
    );
    assert.throws(
      () => decodeCheckpoint(bytes.subarray(0, bytes.length - 7), "t.ckpt"),
      (e) =>
        e instanceof InputError && e.file === "t.ckpt" &&
        /truncated/.test(e.message),
    );
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(8, 99, true);
    assert.throws(
      () => decodeCheckpoint(newer, "n.ckpt"),
      (e) => e instanceof InputError && /version 99/.test(e.message),
    );
    await assert.rejects(
      () => loadCheckpoint(`${dir}/missing`),
      (e) => e instanceof InputError && /no such file/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
