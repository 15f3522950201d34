/**
 * Microbenchmark of the WebAssembly kernel, printed as a table.
 *
 * Run: `deno run -A tests/bench/kernel_bench.ts [--rows 1000000]`. Training
 * is timed at dim 100, 5 negatives, batches of 4096 pairs after a warm-up
 * call; scans on a rows × 64 matrix (1,000,000 by default, 256 MB of f32).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { Prng } from "../../src/prng.ts";
import { KernelArena, SIGMOID_TABLE_BYTES } from "../../src/kernel/_kernel.ts";
import { sgnsStepRef } from "../../src/kernel/_reference.ts";

const VOCAB = 20000;
const TRAIN_DIM = 100;
const NEGATIVES = 5;
const BATCH = 4096;
const SCAN_DIM = 64;
const TOP_K = 10;
const QUERY_BATCH = 32;
const MIN_SECONDS = 1;

interface Row {
  operation: string;
  rate: string;
  perCall: string;
}

function fillRandom(view: Float32Array, prng: Prng, scale: number): void {
  for (let i = 0; i < view.length; i++) view[i] = (prng.random() - 0.5) * scale;
}

function fillInts(view: Int32Array, prng: Prng, bound: number): void {
  for (let i = 0; i < view.length; i++) view[i] = prng.int(bound);
}

/** Runs `fn` once to warm up, then repeatedly for MIN_SECONDS. */
function time(fn: () => void): { calls: number; seconds: number } {
  fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < MIN_SECONDS);
  return { calls, seconds: elapsed };
}

function benchTraining(rows: Row[]): void {
  const prng = new Prng(1);
  const arena = new KernelArena();
  const matBytes = VOCAB * TRAIN_DIM * 4;
  const inM = arena.alloc(matBytes);
  const outM = arena.alloc(matBytes);
  const mIn = arena.alloc(matBytes);
  const vIn = arena.alloc(matBytes);
  const mOut = arena.alloc(matBytes);
  const vOut = arena.alloc(matBytes);
  const tIn = arena.alloc(VOCAB * 4);
  const tOut = arena.alloc(VOCAB * 4);
  const centers = arena.alloc(BATCH * 4);
  const contexts = arena.alloc(BATCH * 4);
  const negs = arena.alloc(BATCH * NEGATIVES * 4);
  const grad = arena.alloc(TRAIN_DIM * 4);
  const table = arena.alloc(SIGMOID_TABLE_BYTES);
  arena.fillSigmoidTable(table);
  fillRandom(arena.f32(inM, VOCAB * TRAIN_DIM), prng, 1 / TRAIN_DIM);
  fillInts(arena.i32(centers, BATCH), prng, VOCAB);
  fillInts(arena.i32(contexts, BATCH), prng, VOCAB);
  fillInts(arena.i32(negs, BATCH * NEGATIVES), prng, VOCAB);
  const k = arena.kernel;

  const sgd = time(() => {
    k.sgnsStepF32(
      inM,
      outM,
      centers,
      contexts,
      negs,
      BATCH,
      NEGATIVES,
      TRAIN_DIM,
      0.025,
      grad,
      table,
    );
  });
  rows.push(pairRow("sgnsStepF32 (dim 100, 5 neg)", sgd));

  const adam = time(() => {
    k.sgnsStepAdamF32(
      inM,
      outM,
      mIn,
      vIn,
      mOut,
      vOut,
      tIn,
      tOut,
      centers,
      contexts,
      negs,
      BATCH,
      NEGATIVES,
      TRAIN_DIM,
      0.001,
      0.9,
      0.999,
      1e-8,
      grad,
      table,
    );
  });
  rows.push(pairRow("sgnsStepAdamF32 (dim 100, 5 neg)", adam));

  const inCopy = arena.f32(inM, VOCAB * TRAIN_DIM).slice();
  const outCopy = arena.f32(outM, VOCAB * TRAIN_DIM).slice();
  const c = arena.i32(centers, BATCH).slice();
  const x = arena.i32(contexts, BATCH).slice();
  const n = arena.i32(negs, BATCH * NEGATIVES).slice();
  const ref = time(() => {
    sgnsStepRef(inCopy, outCopy, c, x, n, NEGATIVES, TRAIN_DIM, 0.025);
  });
  rows.push(pairRow("sgnsStepRef, plain TypeScript", ref));
}

function pairRow(
  operation: string,
  t: { calls: number; seconds: number },
): Row {
  const pairs = (t.calls * BATCH) / t.seconds;
  return {
    operation,
    rate: `${(pairs / 1e6).toFixed(2)} M pairs/s`,
    perCall: `${((t.seconds / t.calls) * 1e3).toFixed(2)} ms / ${BATCH} pairs`,
  };
}

function benchScans(rows: Row[], matRows: number): void {
  const prng = new Prng(2);
  const arena = new KernelArena({
    initialBytes: matRows * SCAN_DIM * 5 + (2 << 20),
  });
  const bytes = matRows * SCAN_DIM * 4;
  const mat = arena.alloc(bytes);
  fillRandom(arena.f32(mat, matRows * SCAN_DIM), prng, 2);
  const queries = arena.alloc(QUERY_BATCH * SCAN_DIM * 4);
  fillRandom(arena.f32(queries, QUERY_BATCH * SCAN_DIM), prng, 2);
  const idx = arena.alloc(QUERY_BATCH * TOP_K * 4);
  const score = arena.alloc(QUERY_BATCH * TOP_K * 4);
  const k = arena.kernel;

  const one = time(() => {
    k.topKDotF32(idx, score, mat, queries, matRows, SCAN_DIM, TOP_K);
  });
  rows.push(scanRow(`topKDotF32 (${matRows}×64, k 10)`, one, bytes, 1));

  const scratch = arena.alloc(k.scanScratchBytes(QUERY_BATCH, SCAN_DIM));
  for (const area of [scratch, 0]) {
    const batch = time(() => {
      k.topKDotBatchF32(
        idx,
        score,
        mat,
        queries,
        QUERY_BATCH,
        matRows,
        SCAN_DIM,
        TOP_K,
        area,
      );
    });
    rows.push(
      scanRow(
        `topKDotBatchF32 (${QUERY_BATCH} queries${
          area === 0 ? ", no scratch" : ""
        })`,
        batch,
        bytes,
        QUERY_BATCH,
      ),
    );
  }

  const matI8 = arena.alloc(matRows * SCAN_DIM);
  const scales = arena.alloc(matRows * 4);
  k.quantizeRowsI8(matI8, scales, mat, matRows, SCAN_DIM);
  const qI8 = arena.alloc(SCAN_DIM);
  const qScale = arena.alloc(4);
  k.quantizeRowsI8(qI8, qScale, queries, 1, SCAN_DIM);
  const queryScale = arena.f32(qScale, 1)[0]!;
  const int8 = time(() => {
    k.topKDotI8(
      idx,
      score,
      matI8,
      scales,
      qI8,
      queryScale,
      matRows,
      SCAN_DIM,
      TOP_K,
    );
  });
  rows.push(scanRow("topKDotI8 (int8 rows)", int8, matRows * SCAN_DIM, 1));

  const queriesI8 = arena.alloc(QUERY_BATCH * SCAN_DIM);
  const queryScales = arena.alloc(QUERY_BATCH * 4);
  k.quantizeRowsI8(queriesI8, queryScales, queries, QUERY_BATCH, SCAN_DIM);
  const batchI8 = time(() => {
    k.topKDotBatchI8(
      idx,
      score,
      matI8,
      scales,
      queriesI8,
      queryScales,
      QUERY_BATCH,
      matRows,
      SCAN_DIM,
      TOP_K,
      scratch,
    );
  });
  rows.push(
    scanRow(
      `topKDotBatchI8 (${QUERY_BATCH} queries)`,
      batchI8,
      matRows * SCAN_DIM,
      QUERY_BATCH,
    ),
  );
}

function scanRow(
  operation: string,
  t: { calls: number; seconds: number },
  bytes: number,
  queries: number,
): Row {
  const perCall = t.seconds / t.calls;
  return {
    operation,
    rate: `${((bytes * queries) / perCall / 1e9).toFixed(2)} GB/s`,
    perCall: `${(perCall * 1e3).toFixed(2)} ms / ${queries} ${
      queries === 1 ? "query" : "queries"
    }`,
  };
}

function printTable(rows: Row[]): void {
  const header: Row = { operation: "operation", rate: "rate", perCall: "time" };
  const all = [header, ...rows];
  const w0 = Math.max(...all.map((r) => r.operation.length));
  const w1 = Math.max(...all.map((r) => r.rate.length));
  const w2 = Math.max(...all.map((r) => r.perCall.length));
  const line = (r: Row): string =>
    `| ${r.operation.padEnd(w0)} | ${r.rate.padStart(w1)} | ${
      r.perCall.padStart(w2)
    } |`;
  console.log(line(header));
  console.log(
    `|${"-".repeat(w0 + 2)}|${"-".repeat(w1 + 1)}:|${"-".repeat(w2 + 1)}:|`,
  );
  for (const r of rows) console.log(line(r));
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { rows: { type: "string", default: "1000000" } },
  });
  const matRows = Number(values.rows);
  if (!Number.isInteger(matRows) || matRows < 1) {
    throw new RangeError(
      `Cannot run benchmark: --rows must be a positive integer, got ${values.rows}`,
    );
  }
  const rows: Row[] = [];
  benchTraining(rows);
  benchScans(rows, matRows);
  printTable(rows);
}
