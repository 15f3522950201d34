import assert from "node:assert/strict";
import { buildCorpusFromText, buildCorpusSync } from "../src/corpus.ts";
import { trainCorpus, trainCorpusParallel } from "../src/train.ts";
import { resolveTrainOptions } from "../src/train_options.ts";
import { encodeModel } from "../src/model_io.ts";
import { Prng } from "../src/prng.ts";

function text(seed: number): string {
  const prng = new Prng(seed);
  const lines: string[] = [];
  for (let s = 0; s < 3000; s++) {
    const g = prng.int(8);
    lines.push(
      Array.from({ length: 2 + prng.int(10) }, () => `g${g}_${prng.int(30)}`)
        .join(" "),
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("buildCorpusFromText() with kernelMemory reads the same ids as on the heap", async () => {
  const source = text(1);
  const heap = await buildCorpusFromText({ text: source }, { minCount: 2 });
  for (const kernelMemory of ["plain", "shared"] as const) {
    const kernel = await buildCorpusFromText({ text: source }, {
      minCount: 2,
      kernelMemory,
    });
    assert.deepEqual(kernel.vocab.words, heap.vocab.words);
    assert.deepEqual([...kernel.corpus.ids], [...heap.corpus.ids]);
    assert.deepEqual([...kernel.corpus.offsets], [...heap.corpus.offsets]);
    if (kernelMemory === "shared") {
      assert.ok(kernel.corpus.ids.buffer instanceof SharedArrayBuffer);
    } else {
      assert.ok(kernel.corpus.ids.buffer instanceof ArrayBuffer);
    }
  }
});

Deno.test("trainCorpus() on a corpus in kernel memory gives the same model as on the heap", async () => {
  const source = text(2);
  const params = resolveTrainOptions({ dim: 16, epochs: 3, seed: 5 });
  const heap = await buildCorpusFromText({ text: source });
  const kernel = await buildCorpusFromText({ text: source }, {
    kernelMemory: "plain",
  });
  const a = encodeModel(trainCorpus(heap.vocab, heap.corpus, params));
  const b = encodeModel(trainCorpus(kernel.vocab, kernel.corpus, params));
  assert.deepEqual(b, a);
});

Deno.test("trainCorpusParallel() trains on a corpus built in shared kernel memory", async () => {
  const source = text(3);
  const built = await buildCorpusFromText({ text: source }, {
    kernelMemory: "shared",
  });
  const model = await trainCorpusParallel(
    built.vocab,
    built.corpus,
    resolveTrainOptions({ dim: 16, epochs: 4, threads: 2 }),
  );
  let same = 0;
  let total = 0;
  for (const account of model.vocab.words) {
    for (const n of model.similar(account, 3)) {
      total++;
      if (n.account.split("_")[0] === account.split("_")[0]) same++;
    }
  }
  assert.ok(same / total > 0.85, `${same}/${total} neighbours share the group`);
});

Deno.test("buildCorpusSync() refuses an unknown kernelMemory kind", () => {
  assert.throws(
    () => buildCorpusSync([["a"]], { kernelMemory: "gpu" as "plain" }),
    /kernelMemory must be "plain" or "shared"/,
  );
});
