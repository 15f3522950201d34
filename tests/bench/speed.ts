/**
 * Training-speed and similarity-scan benchmark, side by side with the peers
 * installed on this machine, printed as one markdown table.
 *
 * ```sh
 * deno task bench                       # generated dense corpus, all installed peers
 * deno task bench --rounds 3            # best of 3 interleaved rounds (default 2)
 * deno task bench --only explore2vec --skip-scan   # one trainer, no scans
 * deno task bench --tokens 1000000      # smaller corpus
 * deno task bench --input sessions.txt  # your own sessions (text format)
 * ```
 *
 * Every trainer gets the same corpus and settings (dim 100, window 5,
 * negatives 5, sample 1e-3, 5 epochs, min count 1) and runs as a whole
 * command (reading, vocabulary, training, writing vectors). Quality is
 * next-item HitRate@20 on the held-out last 10% of sessions, computed for
 * every trainer's vectors by this project's `evaluate()`.
 *
 * Peers (installed, never by this script): gensim (Debian `python3-gensim`),
 * fastText (Debian `fasttext`), the word2vec C tool (not packaged: build it
 * and set `WORD2VEC_BIN`), faiss (Debian `python3-faiss`) for the scans. The
 * word2vec C tool with one thread trains only its first epoch (its end-of-file
 * flag is never reset between epochs), so it is given the corpus repeated
 * `epochs` times with `-iter 1`: the same passes, the same linear decay.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Prng } from "../../src/prng.ts";
import { loadModel } from "../../src/model_io.ts";
import { evaluate } from "../../src/evaluate.ts";
import { KernelArena } from "../../src/kernel/_kernel.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    input: { type: "string" },
    tokens: { type: "string", default: "3000000" },
    epochs: { type: "string", default: "5" },
    out: { type: "string", default: "bench-out" },
    "skip-train": { type: "boolean", default: false },
    "skip-scan": { type: "boolean", default: false },
    rows: { type: "string", default: "1000000" },
    python: { type: "string", default: "/usr/bin/python3" },
    rounds: { type: "string", default: "2" },
    only: { type: "string" },
  },
});
const OUT = args.values.out!;
const EPOCHS = Number(args.values.epochs);
const PY = args.values.python!;
const ROUNDS = Number(args.values.rounds);
await Deno.mkdir(OUT, { recursive: true });

interface Row {
  tool: string;
  threads: number;
  seconds: number;
  tokensPerSecond: number;
  peakMb: number;
  hitRate20: number | null;
  note?: string;
  /** Best training-phase seconds (ours: the CLI's `trainSeconds`). */
  trainSeconds?: number;
}

function log(message: string): void {
  console.error(message);
}

/** Writes a dense planted corpus: topics of accounts, sessions of 20–60 visits mostly within one topic. */
async function generateCorpus(path: string, tokens: number): Promise<void> {
  const prng = new Prng(2024);
  const topics = 400;
  const perTopic = 100;
  const lines: string[] = [];
  let n = 0;
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  const enc = new TextEncoder();
  while (n < tokens) {
    const topic = prng.int(topics);
    const len = 20 + prng.int(41);
    const ids: string[] = [];
    for (let i = 0; i < len; i++) {
      const t = prng.random() < 0.9 ? topic : prng.int(topics);
      // Zipf-like popularity within a topic.
      const a = Math.min(
        perTopic - 1,
        Math.floor(perTopic * Math.pow(prng.random(), 2)),
      );
      ids.push(`a${t * perTopic + a}`);
    }
    lines.push(ids.join(" "));
    n += len;
    if (lines.length >= 10000) {
      await file.write(enc.encode(lines.join("\n") + "\n"));
      lines.length = 0;
    }
  }
  if (lines.length > 0) await file.write(enc.encode(lines.join("\n") + "\n"));
  file.close();
}

async function splitFile(
  path: string,
): Promise<{ train: string; test: string; trainTokens: number }> {
  const text = await Deno.readTextFile(path);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const cut = Math.floor(lines.length * 0.9);
  const train = `${OUT}/train.txt`;
  const test = `${OUT}/test.txt`;
  await Deno.writeTextFile(train, lines.slice(0, cut).join("\n") + "\n");
  await Deno.writeTextFile(test, lines.slice(cut).join("\n") + "\n");
  let trainTokens = 0;
  for (const l of lines.slice(0, cut)) {
    trainTokens += l.trim().split(/\s+/).length;
  }
  return { train, test, trainTokens };
}

/** Runs a command, polling its peak resident set size. */
async function timed(
  cmd: string,
  cmdArgs: string[],
  env?: Record<string, string>,
): Promise<
  {
    seconds: number;
    peakMb: number;
    ok: boolean;
    stdout: string;
    stderr: string;
  }
> {
  const start = performance.now();
  const child = new Deno.Command(cmd, {
    args: cmdArgs,
    stdout: "piped",
    stderr: "piped",
    env,
  }).spawn();
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const m = status.match(/VmHWM:\s+(\d+)/);
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch { /* exited */ }
  }, 20);
  const out = await child.output();
  clearInterval(poll);
  const seconds = (performance.now() - start) / 1000;
  return {
    seconds,
    peakMb: peakKb / 1024,
    ok: out.success,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The `trainSeconds` of our CLI's JSON summary, or Infinity for other output. */
function trainSecondsOf(stdout: string): number {
  try {
    const value = JSON.parse(stdout.trim().split("\n").at(-1) ?? "")
      .trainSeconds;
    return typeof value === "number" ? value : Infinity;
  } catch {
    return Infinity;
  }
}

async function hitRate(vectors: string, test: string): Promise<number | null> {
  try {
    const model = await loadModel(vectors);
    const sessions = (await Deno.readTextFile(test)).split("\n").filter((l) =>
      l.trim() !== ""
    ).map((l) => l.trim().split(/\s+/));
    const report = evaluate(model, sessions, { k: [20] });
    return report.metrics[0]!.hitRate;
  } catch (error) {
    log(`  evaluation failed: ${(error as Error).message}`);
    return null;
  }
}

async function which(cmd: string): Promise<string | null> {
  try {
    const out = await new Deno.Command("sh", {
      args: ["-c", `command -v ${cmd}`],
      stdout: "piped",
    }).output();
    const path = new TextDecoder().decode(out.stdout).trim();
    return out.success && path ? path : null;
  } catch {
    return null;
  }
}

async function pythonHas(module: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(PY, {
      args: ["-c", `import ${module}`],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

const rows: Row[] = [];
const settings = {
  dim: 100,
  window: 5,
  negatives: 5,
  sample: 1e-3,
  epochs: EPOCHS,
  minCount: 1,
};

if (!args.values["skip-train"]) {
  let corpus = args.values.input;
  if (corpus === undefined) {
    corpus = `${OUT}/corpus.txt`;
    log(
      `generating a dense corpus of ${args.values.tokens} tokens in ${corpus}`,
    );
    await generateCorpus(corpus, Number(args.values.tokens));
  }
  const { train, test, trainTokens } = await splitFile(corpus);
  const totalTokens = trainTokens * EPOCHS;
  log(`train split: ${trainTokens} tokens × ${EPOCHS} epochs`);

  // Every configuration is a job; the jobs run in interleaved rounds and each
  // keeps its best time, so a slow spell of a shared machine does not land on
  // one trainer only.
  interface Job {
    tool: string;
    threads: number;
    note?: string;
    output: string;
    run: () => Promise<
      {
        seconds: number;
        peakMb: number;
        ok: boolean;
        stdout: string;
        stderr: string;
      }
    >;
  }
  const jobs: Job[] = [];
  const cli = new URL("../../src/cli.ts", import.meta.url).pathname;
  for (const threads of [1, 2]) {
    const model = `${OUT}/ours-${threads}.e2v`;
    jobs.push({
      tool: "explore2vec",
      threads,
      output: model,
      run: () =>
        timed(Deno.execPath(), [
          "run",
          "-A",
          cli,
          "train",
          "--input",
          train,
          "--out",
          model,
          "--dim",
          "100",
          "--window",
          "5",
          "--negatives",
          "5",
          "--sample",
          "1e-3",
          "--epochs",
          String(EPOCHS),
          "--min-count",
          "1",
          "--threads",
          String(threads),
        ]),
    });
  }
  if (await pythonHas("gensim")) {
    const script = `${OUT}/gensim_train.py`;
    await Deno.writeTextFile(
      script,
      `import sys
from gensim.models import Word2Vec
m = Word2Vec(corpus_file=sys.argv[1], vector_size=100, window=5, negative=5, sample=1e-3, min_count=1, sg=1, workers=int(sys.argv[3]), epochs=int(sys.argv[4]), seed=1)
m.wv.save_word2vec_format(sys.argv[2], binary=True)
`,
    );
    for (const threads of [1, 2]) {
      const vec = `${OUT}/gensim-${threads}.bin`;
      jobs.push({
        tool: "gensim 4 (corpus_file)",
        threads,
        output: vec,
        run: () =>
          timed(PY, [script, train, vec, String(threads), String(EPOCHS)]),
      });
    }
  } else log("gensim not installed (Debian: python3-gensim): skipped");
  const fasttext = await which("fasttext");
  if (fasttext) {
    for (const threads of [1, 2]) {
      const prefix = `${OUT}/fasttext-${threads}`;
      jobs.push({
        tool: "fastText",
        threads,
        output: `${prefix}.vec`,
        run: () =>
          timed(fasttext, [
            "skipgram",
            "-input",
            train,
            "-output",
            prefix,
            "-dim",
            "100",
            "-ws",
            "5",
            "-neg",
            "5",
            "-t",
            "1e-3",
            "-epoch",
            String(EPOCHS),
            "-minCount",
            "1",
            "-minn",
            "0",
            "-maxn",
            "0",
            "-thread",
            String(threads),
            "-lr",
            "0.025",
            "-verbose",
            "0",
          ]),
      });
    }
  } else log("fastText not installed (Debian: fasttext): skipped");
  const w2v = Deno.env.get("WORD2VEC_BIN") ?? await which("word2vec");
  if (w2v) {
    const repeated = `${OUT}/train-x${EPOCHS}.txt`;
    const text = await Deno.readTextFile(train);
    await Deno.writeTextFile(repeated, text.repeat(EPOCHS));
    for (const threads of [1, 2]) {
      const vec = `${OUT}/w2v-${threads}.bin`;
      jobs.push({
        tool: "word2vec C",
        threads,
        note: `corpus ×${EPOCHS}, -iter 1`,
        output: vec,
        run: () =>
          timed(w2v, [
            "-train",
            repeated,
            "-output",
            vec,
            "-cbow",
            "0",
            "-size",
            "100",
            "-window",
            "5",
            "-negative",
            "5",
            "-hs",
            "0",
            "-sample",
            "1e-3",
            "-iter",
            "1",
            "-min-count",
            "1",
            "-threads",
            String(threads),
            "-binary",
            "1",
            "-alpha",
            "0.025",
          ]),
      });
    }
  } else log("word2vec C tool not found (set WORD2VEC_BIN): skipped");

  const only = args.values.only;
  if (only !== undefined) {
    for (let i = jobs.length - 1; i >= 0; i--) {
      if (!jobs[i]!.tool.toLowerCase().startsWith(only.toLowerCase())) {
        jobs.splice(i, 1);
      }
    }
  }
  const best = jobs.map(() => ({
    seconds: Infinity,
    trainSeconds: Infinity,
    peakMb: 0,
    ok: true,
  }));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [i, job] of jobs.entries()) {
      log(`round ${round}/${ROUNDS}: ${job.tool}, ${job.threads} thread(s)`);
      const r = await job.run();
      if (!r.ok) log(r.stderr);
      const b = best[i]!;
      b.ok &&= r.ok;
      b.seconds = Math.min(b.seconds, r.seconds);
      b.trainSeconds = Math.min(b.trainSeconds, trainSecondsOf(r.stdout));
      b.peakMb = Math.max(b.peakMb, r.peakMb);
    }
  }
  for (const [i, job] of jobs.entries()) {
    const b = best[i]!;
    rows.push({
      tool: job.tool,
      threads: job.threads,
      seconds: b.seconds,
      tokensPerSecond: totalTokens / b.seconds,
      peakMb: b.peakMb,
      hitRate20: b.ok ? await hitRate(job.output, test) : null,
      note: job.note,
      trainSeconds: Number.isFinite(b.trainSeconds)
        ? b.trainSeconds
        : undefined,
    });
  }
}

// ---- similarity scans ----
interface ScanRow {
  what: string;
  ms: number;
  note: string;
}
const scans: ScanRow[] = [];

/** Best of `n` timed calls, in milliseconds. */
function bestOf(n: number, fn: () => void): number {
  return bestOfEach(n, [fn])[0]!;
}

/**
 * Best of `n` timed calls of each function, in milliseconds, the calls taken
 * in turn so that all of them meet the same cache and machine load.
 */
function bestOfEach(n: number, fns: (() => void)[]): number[] {
  const best = fns.map(() => Infinity);
  for (let i = 0; i < n; i++) {
    fns.forEach((fn, j) => {
      const t = performance.now();
      fn();
      best[j] = Math.min(best[j]!, performance.now() - t);
    });
  }
  return best;
}

/**
 * A WebAssembly module over an imported memory exporting
 * `sum(start, end): f32`, the sum of the f32 values in [start, end) (a
 * non-empty multiple of 64 bytes) with four f32x4 accumulators: a read-only
 * pass with the same bounds-checked loads as the kernel.
 */
function readPassModule(): WebAssembly.Module {
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const F32X4_ADD = 228;
  const F32X4_EXTRACT_LANE = 31;
  // deno-fmt-ignore
  const body = [
    1, 4, 0x7b, // locals 2..5: v128 accumulators
    0x03, 0x40, // loop
    ...[0, 1, 2, 3].flatMap((j) => [
      0x20, 2 + j, 0x20, 0, ...simd(0), 4, ...uleb(16 * j), // v128.load start + 16j
      ...simd(F32X4_ADD), 0x21, 2 + j,
    ]),
    0x20, 0, 0x41, 0xc0, 0x00, 0x6a, 0x22, 0, // start += 64 (signed LEB 64)
    0x20, 1, 0x49, 0x0d, 0, // br_if start < end
    0x0b,
    0x20, 2, 0x20, 3, ...simd(F32X4_ADD), 0x20, 4, 0x20, 5, ...simd(F32X4_ADD),
    ...simd(F32X4_ADD), 0x21, 2,
    0x20, 2, ...simd(F32X4_EXTRACT_LANE), 0,
    ...[1, 2, 3].flatMap((j) => [0x20, 2, ...simd(F32X4_EXTRACT_LANE), j, 0x92]), // f32.add
    0x0b,
  ];
  const section = (id: number, bytes: number[]) => [
    id,
    ...uleb(bytes.length),
    ...bytes,
  ];
  const name = (
    text: string,
  ) => [text.length, ...new TextEncoder().encode(text)];
  // deno-fmt-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7d]), // (i32, i32) -> f32
    ...section(2, [1, ...name("env"), ...name("memory"), 2, 0, 0]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name("sum"), 0, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    const byte = n & 0x7f;
    n >>>= 7;
    out.push(n === 0 ? byte : byte | 0x80);
  } while (n !== 0);
  return out;
}

if (!args.values["skip-scan"]) {
  const rowsN = Number(args.values.rows);
  const dim = 64;
  const nq = 1000;
  const k = 10;
  const arena = new KernelArena({ initialBytes: rowsN * dim * 5 + (4 << 20) });
  const mat = arena.alloc(rowsN * dim * 4);
  const query = arena.alloc(dim * 4 * nq);
  const outIdx = arena.alloc(nq * k * 4);
  const outScore = arena.alloc(nq * k * 4);
  const prng = new Prng(5);
  const m = arena.f32(mat, rowsN * dim);
  for (let i = 0; i < m.length; i++) m[i] = prng.random() - 0.5;
  const q = arena.f32(query, dim * nq);
  for (let i = 0; i < q.length; i++) q[i] = prng.random() - 0.5;
  const bytes = rowsN * dim * 4;
  const size = `${rowsN.toLocaleString("en-US")}×${dim} f32`;

  // Bandwidth, two ways: a copy of a filled buffer into a touched one (read
  // and write), and a read-only wasm pass over the matrix itself.
  const src = new Float32Array(rowsN * dim);
  for (let i = 0; i < src.length; i++) src[i] = i;
  const dst = new Float32Array(rowsN * dim).fill(1);
  const copyMs = bestOf(5, () => dst.set(src));
  scans.push({
    what: "memory bandwidth: copy (read + write), best of 5",
    ms: copyMs,
    note: `${((2 * bytes) / copyMs / 1e6).toFixed(1)} GB/s moved`,
  });
  const reader = new WebAssembly.Instance(readPassModule(), {
    env: { memory: arena.memory },
  }).exports as { sum(start: number, end: number): number };
  const kernel = arena.kernel;
  kernel.topKDotF32(outIdx, outScore, mat, query, 1000, dim, k);
  const [readMs, single] = bestOfEach(10, [
    () => reader.sum(mat, mat + bytes),
    () => kernel.topKDotF32(outIdx, outScore, mat, query, rowsN, dim, k),
  ]) as [number, number];
  scans.push({
    what: `memory bandwidth: wasm f32x4 read of the ${size} matrix, best of 10`,
    ms: readMs,
    note: `${(bytes / readMs / 1e6).toFixed(1)} GB/s`,
  });

  scans.push({
    what: "explore2vec single query, top-10",
    ms: single,
    note: `${(single / readMs).toFixed(2)}× the read pass`,
  });
  const scratch = arena.alloc(kernel.scanScratchBytes(nq, dim));
  const batch = bestOf(3, () => {
    kernel.topKDotBatchF32(
      outIdx,
      outScore,
      mat,
      query,
      nq,
      rowsN,
      dim,
      k,
      scratch,
    );
  });
  scans.push({
    what: "explore2vec 1,000 queries batched, top-10",
    ms: batch,
    note: `${(nq / (batch / 1000)).toFixed(0)} queries/s`,
  });

  const matI8 = arena.alloc(rowsN * dim);
  const scales = arena.alloc(rowsN * 4);
  kernel.quantizeRowsI8(matI8, scales, mat, rowsN, dim);
  const queryI8 = arena.alloc(nq * dim);
  const queryScales = arena.alloc(nq * 4);
  kernel.quantizeRowsI8(queryI8, queryScales, query, nq, dim);
  const [read8, single8] = bestOfEach(10, [
    () => reader.sum(matI8, matI8 + rowsN * dim),
    () =>
      kernel.topKDotI8(
        outIdx,
        outScore,
        matI8,
        scales,
        queryI8,
        arena.f32(queryScales, 1)[0]!,
        rowsN,
        dim,
        k,
      ),
  ]) as [number, number];
  scans.push({
    what: "explore2vec int8 single query, top-10",
    ms: single8,
    note: `${(single8 / read8).toFixed(2)}× a wasm read of the int8 rows (${
      read8.toFixed(1)
    } ms)`,
  });
  const batch8 = bestOf(3, () => {
    kernel.topKDotBatchI8(
      outIdx,
      outScore,
      matI8,
      scales,
      queryI8,
      queryScales,
      nq,
      rowsN,
      dim,
      k,
      scratch,
    );
  });
  scans.push({
    what: "explore2vec int8 1,000 queries batched, top-10",
    ms: batch8,
    note: `${(nq / (batch8 / 1000)).toFixed(0)} queries/s`,
  });

  if (await pythonHas("faiss")) {
    const script = `${OUT}/faiss_scan.py`;
    await Deno.writeTextFile(
      script,
      `import time, numpy as np, faiss, sys
faiss.omp_set_num_threads(1)
n, d = int(sys.argv[1]), 64
rng = np.random.default_rng(5)
x = (rng.random((n, d), dtype=np.float32) - 0.5)
q = (rng.random((1000, d), dtype=np.float32) - 0.5)
index = faiss.IndexFlatIP(d); index.add(x)
index.search(q[:1], 10)
best = min((lambda t: (index.search(q[:1], 10), time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(10))
def batch():
    t = time.perf_counter(); index.search(q, 10); return time.perf_counter() - t
print(best * 1000, min(batch() for _ in range(3)) * 1000)
`,
    );
    const out = await new Deno.Command(PY, {
      args: [script, String(rowsN)],
      stdout: "piped",
      stderr: "piped",
      env: { OMP_NUM_THREADS: "1" },
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(
      Number,
    );
    if (out.success && text.length === 2) {
      const [faissOne, faissBatch] = text as [number, number];
      scans.push({
        what: "faiss IndexFlatIP single query, top-10 (1 thread)",
        ms: faissOne,
        note: `explore2vec f32 ${(faissOne / single).toFixed(2)}×, int8 ${
          (faissOne / single8).toFixed(2)
        }× its speed`,
      });
      scans.push({
        what: "faiss IndexFlatIP 1,000 queries, top-10 (1 thread), best of 3",
        ms: faissBatch,
        note: `${
          (nq / (faissBatch / 1000)).toFixed(0)
        } queries/s; explore2vec f32 ${
          (faissBatch / batch).toFixed(2)
        }×, int8 ${(faissBatch / batch8).toFixed(2)}× its throughput`,
      });
    } else log(new TextDecoder().decode(out.stderr));
  } else {
    log("faiss not installed (Debian: python3-faiss): scan comparison skipped");
  }
}

// ---- report ----
const cpu =
  (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)
    ?.[1] ?? "unknown CPU";
console.log(
  `Machine: ${cpu}, ${navigator.hardwareConcurrency} cores; ${
    new Date().toISOString().slice(0, 10)
  }; Deno ${Deno.version.deno}\n`,
);
if (rows.length > 0) {
  const c1 = rows.find((r) => r.tool === "word2vec C" && r.threads === 1);
  const peers1 = rows.filter((r) =>
    r.tool !== "explore2vec" && r.threads === 1
  );
  const ref = c1 ??
    peers1.sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];
  console.log(
    `Training (best of ${ROUNDS} interleaved rounds): dim ${settings.dim}, window ${settings.window}, negatives ${settings.negatives}, sample ${settings.sample}, ${settings.epochs} epochs, min count 1; whole command (read, train, write).`,
  );
  console.log(
    `Ratios are against ${
      ref ? `${ref.tool}, 1 thread` : "nothing (no peer in this run)"
    }.\n`,
  );
  console.log(
    "| trainer | threads | seconds | tokens/s | × ref | peak RSS MB | HitRate@20 |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const ratio = ref
      ? (r.tokensPerSecond / ref.tokensPerSecond).toFixed(2)
      : "–";
    console.log(
      `| ${r.tool}${r.note ? ` (${r.note})` : ""} | ${r.threads} | ${
        r.seconds.toFixed(1)
      } | ${
        Math.round(r.tokensPerSecond).toLocaleString("en-US")
      } | ${ratio} | ${r.peakMb.toFixed(0)} | ${
        r.hitRate20 === null ? "–" : r.hitRate20.toFixed(4)
      } |`,
    );
  }
  const ours = [1, 2].map((t) =>
    rows.find((r) => r.tool === "explore2vec" && r.threads === t)
  );
  if (
    ours[0]?.trainSeconds !== undefined && ours[1]?.trainSeconds !== undefined
  ) {
    const [one, two] = [ours[0].seconds, ours[1].seconds];
    const [t1, t2] = [ours[0].trainSeconds, ours[1].trainSeconds];
    console.log(
      `\nexplore2vec, 2 threads against 1: whole command ${
        (one / two).toFixed(2)
      }× (${one.toFixed(1)} s vs ${two.toFixed(1)} s); training phase alone ${
        (t1 / t2).toFixed(2)
      }× (${t1.toFixed(1)} s vs ${t2.toFixed(1)} s, best of ${ROUNDS}).`,
    );
  }
  console.log("");
}
if (scans.length > 0) {
  console.log(
    `Similarity scans: ${
      Number(args.values.rows).toLocaleString("en-US")
    } × 64 float32 vectors.\n`,
  );
  console.log("| scan | ms | note |");
  console.log("|---|---:|---|");
  for (const s of scans) {
    console.log(`| ${s.what} | ${s.ms.toFixed(1)} | ${s.note} |`);
  }
}
