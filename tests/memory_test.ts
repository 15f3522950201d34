import assert from "node:assert/strict";
import {
  checkTrainingMemory,
  estimateTrainingMemory,
  formatBytes,
  WASM_MEMORY_LIMIT,
} from "../src/memory.ts";
import { batchBytes } from "../src/_train_loop.ts";
import { resolveTrainOptions } from "../src/train_options.ts";
import { SIGMOID_TABLE_BYTES } from "../src/kernel/_kernel.ts";

Deno.test("estimateTrainingMemory() adds up hand-computed parts for SGD on one thread", () => {
  const estimate = estimateTrainingMemory({
    vocabSize: 1000,
    dim: 100,
    tokens: 50_000,
    sessions: 2_000,
  });
  // Batches: centers and contexts 8192×4 each, negatives 8192×5×4, a
  // gradient row of 100×4 (all already multiples of 16).
  assert.deepEqual(estimate.parts, {
    input: 400_000,
    output: 400_000,
    adamMoments: 0,
    adamSteps: 0,
    corpusIds: 200_000,
    corpusOffsets: 8_004,
    batches: 32_768 + 32_768 + 163_840 + 400,
    sigmoidTable: 32_776,
    arenaBase: 1024,
  });
  assert.equal(estimate.bytes, 1_271_580);
  // One thread: the corpus is outside the wasm memory.
  assert.equal(estimate.wasmBytes, 1_271_580 - 208_004);
  // Built in kernel memory, the ids count there; the offsets stay outside.
  const inKernel = estimateTrainingMemory({
    vocabSize: 1000,
    dim: 100,
    tokens: 50_000,
    sessions: 2_000,
    corpusInKernel: true,
  });
  assert.equal(inKernel.wasmBytes, 1_271_580 - 8_004);
});

Deno.test("estimateTrainingMemory() counts Adam state, every thread's batch and the corpus in shared memory", () => {
  const estimate = estimateTrainingMemory({
    vocabSize: 10,
    dim: 3,
    tokens: 0,
    sessions: 0,
    optimizer: "adam",
    threads: 2,
    batchPairs: 10,
    negatives: 0,
  });
  assert.equal(estimate.parts.input, 120);
  assert.equal(estimate.parts.adamMoments, 480);
  assert.equal(estimate.parts.adamSteps, 80);
  assert.equal(estimate.parts.corpusOffsets, 4);
  // Per thread: 40 → 48 twice, max(1, 0)×4 → 16, 3×4 → 16.
  assert.equal(estimate.parts.batches, 2 * (48 + 48 + 16 + 16));
  assert.equal(estimate.bytes, 34_860);
  assert.equal(estimate.wasmBytes, 34_860);
});

Deno.test("estimateTrainingMemory() batch and sigmoid sizes match the trainer's layout", () => {
  for (
    const [batchPairs, negatives, dim] of [[10, 0, 3], [8192, 5, 100], [
      7,
      3,
      5,
    ]]
  ) {
    const params = resolveTrainOptions({ batchPairs, negatives, dim });
    const estimate = estimateTrainingMemory({
      vocabSize: 5,
      dim: dim!,
      tokens: 1,
      sessions: 1,
      batchPairs,
      negatives,
    });
    assert.equal(
      estimate.parts.batches,
      batchBytes(params),
      `${batchPairs} ${negatives} ${dim}`,
    );
  }
  assert.equal(
    estimateTrainingMemory({ vocabSize: 1, dim: 1, tokens: 0, sessions: 0 })
      .parts.sigmoidTable,
    SIGMOID_TABLE_BYTES,
  );
});

Deno.test("estimateTrainingMemory() rejects negative, fractional and unknown inputs", () => {
  for (const vocabSize of [-1, 1.5, NaN, Infinity]) {
    assert.throws(
      () =>
        estimateTrainingMemory({ vocabSize, dim: 2, tokens: 0, sessions: 0 }),
      (e: unknown) =>
        e instanceof RangeError &&
        e.message.startsWith("Cannot estimate training memory: vocabSize") &&
        e.message.includes(String(vocabSize)),
    );
  }
  assert.throws(
    () =>
      estimateTrainingMemory({
        vocabSize: 1,
        dim: 1,
        tokens: 0,
        sessions: 0,
        threads: 0,
      }),
    /threads must be at least 1, got 0/,
  );
  assert.throws(
    () =>
      estimateTrainingMemory({
        vocabSize: 1,
        dim: 1,
        tokens: 0,
        sessions: 0,
        optimizer: "rmsprop" as "sgd",
      }),
    /unknown optimizer "rmsprop"/,
  );
});

Deno.test("checkTrainingMemory() passes at exactly 4 GiB of wasm memory and throws one byte above", () => {
  const at = {
    bytes: WASM_MEMORY_LIMIT,
    wasmBytes: WASM_MEMORY_LIMIT,
    parts: { input: WASM_MEMORY_LIMIT },
  };
  checkTrainingMemory(at);
  const over = { ...at, bytes: at.bytes + 1, wasmBytes: at.wasmBytes + 1 };
  assert.throws(() => checkTrainingMemory(over), RangeError);
  assert.equal(WASM_MEMORY_LIMIT, 4 * 1024 * 1024 * 1024);
});

Deno.test("checkTrainingMemory() names the total and the big parts when matrices pass 4 GiB", () => {
  // 10M × 100 × 4 = 4e9 bytes per matrix = 3.7 GiB; both ≈ 7.5 GiB.
  const estimate = estimateTrainingMemory({
    vocabSize: 10_000_000,
    dim: 100,
    tokens: 20_000_000,
    sessions: 1_000_000,
  });
  assert.throws(() => checkTrainingMemory(estimate), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match(
      e.message,
      /^Cannot train: needs about 7\.5 GiB of WebAssembly memory \(input 3\.7 GiB, output 3\.7 GiB, /,
    );
    assert.match(e.message, /above the limit of 4 GiB \(WebAssembly memory\)/);
    // On one thread the corpus is not in wasm memory, so not listed.
    assert.doesNotMatch(e.message, /corpus/);
    return true;
  });
});

Deno.test("checkTrainingMemory() throws for Adam where SGD fits", () => {
  const sizes = { vocabSize: 2_000_000, dim: 100, tokens: 1000, sessions: 10 };
  checkTrainingMemory(estimateTrainingMemory(sizes));
  // Adam adds 4 × 8e8 bytes of moments: 3 GiB.
  assert.throws(
    () =>
      checkTrainingMemory(
        estimateTrainingMemory({ ...sizes, optimizer: "adam" }),
      ),
    /Adam moments 3 GiB/,
  );
});

Deno.test("checkTrainingMemory() counts the corpus against 4 GiB only when Workers share it", () => {
  const sizes = { vocabSize: 100, dim: 10, tokens: 1_200_000_000, sessions: 1 };
  checkTrainingMemory(estimateTrainingMemory(sizes));
  assert.throws(
    () => checkTrainingMemory(estimateTrainingMemory({ ...sizes, threads: 2 })),
    /corpus 4\.5 GiB/,
  );
});

Deno.test("checkTrainingMemory() enforces a caller's cap on the total", () => {
  const estimate = estimateTrainingMemory({
    vocabSize: 1000,
    dim: 100,
    tokens: 50_000,
    sessions: 2_000,
  });
  checkTrainingMemory(estimate, { limitBytes: 1_271_580 });
  assert.throws(
    () => checkTrainingMemory(estimate, { limitBytes: 1_271_579 }),
    (e: unknown) =>
      e instanceof RangeError &&
      e.message.startsWith(
        "Cannot train: needs about 1.2 MiB (input 390.6 KiB, output 390.6 KiB, corpus 195.3 KiB,",
      ) &&
      e.message.endsWith("above the configured cap of 1.2 MiB"),
  );
  for (const limitBytes of [0, -5, NaN, Infinity]) {
    assert.throws(
      () => checkTrainingMemory(estimate, { limitBytes }),
      new RegExp(`limitBytes must be a positive number, got ${limitBytes}`),
    );
  }
});

Deno.test("formatBytes() picks binary units with one decimal", () => {
  assert.equal(formatBytes(0), "0 B");
  assert.equal(formatBytes(1023), "1023 B");
  assert.equal(formatBytes(1024), "1 KiB");
  assert.equal(formatBytes(1024 * 1024 * 2.25), "2.3 MiB");
  assert.equal(formatBytes(1.2 * 1024 ** 3), "1.2 GiB");
});
