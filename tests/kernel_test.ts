import assert from "node:assert/strict";
import { Prng } from "../src/prng.ts";
import {
  KernelArena,
  type Ptr,
  SIGMOID_MAX_X,
  SIGMOID_TABLE_BYTES,
  withMemoryLimits,
} from "../src/kernel/_kernel.ts";
import { KERNEL_WASM, KERNEL_WASM_SHARED } from "../src/kernel/_wasm.ts";
import {
  dotRowsI8Ref,
  dotRowsRef,
  logSigmoidRef,
  normalizeRowsRef,
  sgnsPairLossRef,
  sgnsStepAdamRef,
  sgnsStepRef,
  sigmoidRef,
  topKRef,
} from "../src/kernel/_reference.ts";

function randomFloats(prng: Prng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (prng.random() * 2 - 1) * scale;
  return out;
}

function randomInts(prng: Prng, n: number, bound: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = prng.int(bound);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
  }
  return max;
}

function copyIn(arena: KernelArena, data: Float32Array | Int32Array): Ptr {
  const ptr = arena.alloc(Math.max(4, data.byteLength));
  if (data instanceof Float32Array) arena.f32(ptr, data.length).set(data);
  else arena.i32(ptr, data.length).set(data);
  return ptr;
}

/** A batch of pairs on `arena`, with host copies to run the reference on. */
interface SgnsBatch {
  arena: KernelArena;
  inM: Float32Array;
  outM: Float32Array;
  centers: Int32Array;
  contexts: Int32Array;
  negs: Int32Array;
  ptrs: {
    inM: Ptr;
    outM: Ptr;
    centers: Ptr;
    contexts: Ptr;
    negs: Ptr;
    grad: Ptr;
    table: Ptr;
  };
}

function makeBatch(
  seed: number,
  vocab: number,
  dim: number,
  nPairs: number,
  nNeg: number,
  scale = 0.5,
): SgnsBatch {
  const prng = new Prng(seed);
  const arena = new KernelArena();
  const inM = randomFloats(prng, vocab * dim, scale);
  const outM = randomFloats(prng, vocab * dim, scale);
  const centers = randomInts(prng, nPairs, vocab);
  const contexts = randomInts(prng, nPairs, vocab);
  const negs = randomInts(prng, nPairs * nNeg, vocab);
  // Exercise the skipping rule: some -1 and some equal to the context.
  for (let i = 0; i < nPairs && nNeg > 0; i += 3) negs[i * nNeg] = -1;
  for (let i = 1; i < nPairs && nNeg > 1; i += 4) {
    negs[i * nNeg + 1] = contexts[i]!;
  }
  const table = arena.alloc(SIGMOID_TABLE_BYTES);
  arena.fillSigmoidTable(table);
  const ptrs = {
    inM: copyIn(arena, inM),
    outM: copyIn(arena, outM),
    centers: copyIn(arena, centers),
    contexts: copyIn(arena, contexts),
    negs: copyIn(arena, negs),
    grad: arena.alloc(dim * 4),
    table,
  };
  return { arena, inM, outM, centers, contexts, negs, ptrs };
}

function runSgd(
  b: SgnsBatch,
  nNeg: number,
  dim: number,
  lr: number,
  kernel = b.arena.kernel,
): number {
  return kernel.sgnsStepF32(
    b.ptrs.inM,
    b.ptrs.outM,
    b.ptrs.centers,
    b.ptrs.contexts,
    b.ptrs.negs,
    b.centers.length,
    nNeg,
    dim,
    lr,
    b.ptrs.grad,
    b.ptrs.table,
  );
}

Deno.test("`sigmoidF32()` and `logSigmoidF32()` interpolate within 3e-6 of exact values", () => {
  const arena = new KernelArena();
  const table = arena.alloc(SIGMOID_TABLE_BYTES);
  arena.fillSigmoidTable(table);
  let maxSig = 0;
  let maxLog = 0;
  const limit = SIGMOID_MAX_X + 4;
  for (let x = -limit; x <= limit; x += 0.000977) {
    const xf = Math.fround(x);
    maxSig = Math.max(
      maxSig,
      Math.abs(arena.kernel.sigmoidF32(table, xf) - sigmoidRef(xf)),
    );
    const exactLog = logSigmoidRef(xf);
    maxLog = Math.max(
      maxLog,
      Math.abs(arena.kernel.logSigmoidF32(table, xf) - exactLog) /
        Math.max(1, Math.abs(exactLog)),
    );
  }
  assert.ok(maxSig < 1.5e-6, `max |σ error| ${maxSig}`);
  assert.ok(maxLog < 3e-6, `max |log σ error| / max(1, |log σ|) ${maxLog}`);
  assert.equal(arena.kernel.sigmoidF32(table, -1e30), 0);
  assert.equal(arena.kernel.sigmoidF32(table, 1e30), 1);
  assert.equal(arena.kernel.logSigmoidF32(table, -1e30), Math.fround(-1e30));
  assert.equal(arena.kernel.logSigmoidF32(table, 1e30), 0);
});

Deno.test("`sgnsStepF32()` matches the reference for tail dims, negative counts and repeated rows", () => {
  const lr = 0.05;
  // Negative counts give target groups of one, two and three rows, and
  // several groups per pair; dims cover the scalar tail.
  for (
    const [dim, nNeg] of [
      [1, 5],
      [3, 5],
      [7, 5],
      [16, 5],
      [100, 5],
      [7, 0],
      [16, 1],
      [5, 2],
      [100, 8],
      [9, 12],
    ] as const
  ) {
    // A vocabulary of 6 rows over 200 pairs repeats every row many times.
    const b = makeBatch(dim, 6, dim, 200, nNeg);
    const loss = runSgd(b, nNeg, dim, lr);
    const refLoss = sgnsStepRef(
      b.inM,
      b.outM,
      b.centers,
      b.contexts,
      b.negs,
      nNeg,
      dim,
      lr,
    );
    const dIn = maxAbsDiff(b.arena.f32(b.ptrs.inM, b.inM.length), b.inM);
    const dOut = maxAbsDiff(b.arena.f32(b.ptrs.outM, b.outM.length), b.outM);
    const dLoss = Math.abs(loss - refLoss) / Math.max(1, Math.abs(refLoss));
    const at = `dim ${dim}, ${nNeg} negatives`;
    assert.ok(dIn < 1e-4, `${at}: max |Δ in| ${dIn}`);
    assert.ok(dOut < 1e-4, `${at}: max |Δ out| ${dOut}`);
    assert.ok(dLoss < 1e-5, `${at}: relative loss difference ${dLoss}`);
  }
});

Deno.test("`sgnsStepF32()` moves each row along minus the loss gradient", () => {
  const dim = 7;
  const nNeg = 3;
  const lr = 0.1;
  const b = makeBatch(99, 5, dim, 1, nNeg);
  // Distinct targets so each row is updated once from pre-update values.
  b.centers[0] = 0;
  b.contexts[0] = 1;
  b.negs.set([2, 3, 4]);
  b.arena.i32(b.ptrs.centers, 1).set(b.centers);
  b.arena.i32(b.ptrs.contexts, 1).set(b.contexts);
  b.arena.i32(b.ptrs.negs, 3).set(b.negs);
  runSgd(b, nNeg, dim, lr);
  const newIn = b.arena.f32(b.ptrs.inM, b.inM.length);
  const newOut = b.arena.f32(b.ptrs.outM, b.outM.length);

  const inM = Float64Array.from(b.inM);
  const outM = Float64Array.from(b.outM);
  const h = 1e-6;
  const loss = (): number => sgnsPairLossRef(inM, outM, 0, 1, [2, 3, 4], dim);
  let maxDiff = 0;
  for (
    const [matrix, updated, rows] of [
      [inM, newIn, [0]],
      [outM, newOut, [1, 2, 3, 4]],
    ] as const
  ) {
    for (const row of rows) {
      for (let d = 0; d < dim; d++) {
        const at = row * dim + d;
        const keep = matrix[at]!;
        matrix[at] = keep + h;
        const up = loss();
        matrix[at] = keep - h;
        const down = loss();
        matrix[at] = keep;
        const numeric = (up - down) / (2 * h);
        const kernelGradient = (updated[at]! - keep) / -lr;
        maxDiff = Math.max(maxDiff, Math.abs(kernelGradient - numeric));
      }
    }
  }
  assert.ok(maxDiff < 1e-4, `max |gradient − finite difference| ${maxDiff}`);
});

Deno.test("`sgnsStepF32()` returns the exact loss, finite for huge dot products", () => {
  const dim = 16;
  const nNeg = 4;
  const b = makeBatch(7, 50, dim, 64, nNeg);
  const expected = sgnsStepRef(
    Float32Array.from(b.inM),
    Float32Array.from(b.outM),
    b.centers,
    b.contexts,
    b.negs,
    nNeg,
    dim,
    0,
  );
  const loss = runSgd(b, nNeg, dim, 0);
  assert.ok(
    Math.abs(loss - expected) < 1e-5 * expected,
    `loss ${loss} vs exact ${expected}`,
  );
  // Learning rate 0 leaves the weights as they were.
  assert.equal(maxAbsDiff(b.arena.f32(b.ptrs.inM, b.inM.length), b.inM), 0);

  // |u·v| around 1e4: log σ saturates but the loss stays finite and right.
  const big = makeBatch(8, 4, dim, 8, 2, 25);
  const bigExpected = sgnsStepRef(
    Float32Array.from(big.inM),
    Float32Array.from(big.outM),
    big.centers,
    big.contexts,
    big.negs,
    2,
    dim,
    0.01,
  );
  const bigLoss = runSgd(big, 2, dim, 0.01);
  assert.ok(Number.isFinite(bigLoss), `loss ${bigLoss}`);
  assert.ok(bigLoss > 100, `loss ${bigLoss}`);
  assert.ok(
    Math.abs(bigLoss - bigExpected) < 1e-4 * bigExpected,
    `loss ${bigLoss} vs exact ${bigExpected}`,
  );
  const weights = big.arena.f32(big.ptrs.inM, big.inM.length);
  assert.ok(weights.every(Number.isFinite));
});

function topKSetup(seed: number, rows: number, dim: number, quantize = 0) {
  const prng = new Prng(seed);
  const arena = new KernelArena();
  const mat = randomFloats(prng, rows * dim, 1);
  if (quantize > 0) {
    for (let i = 0; i < mat.length; i++) {
      mat[i] = Math.round(mat[i]! * quantize) / quantize;
    }
  }
  const query = randomFloats(prng, dim, 1);
  const ptrMat = copyIn(arena, mat);
  const ptrQuery = copyIn(arena, query);
  const scores = arena.alloc(rows * 4);
  arena.kernel.dotRowsF32(scores, ptrMat, ptrQuery, rows, dim);
  return {
    arena,
    mat,
    query,
    ptrMat,
    ptrQuery,
    scores: arena.f32(scores, rows).slice(),
  };
}

function runTopK(
  s: ReturnType<typeof topKSetup>,
  rows: number,
  dim: number,
  k: number,
) {
  const idx = s.arena.alloc(Math.max(1, k) * 4);
  const score = s.arena.alloc(Math.max(1, k) * 4);
  const n = s.arena.kernel.topKDotF32(
    idx,
    score,
    s.ptrMat,
    s.ptrQuery,
    rows,
    dim,
    k,
  );
  return {
    n,
    indices: [...s.arena.i32(idx, k)],
    scores: [...s.arena.f32(score, k)],
  };
}

Deno.test("`dotRowsF32()` matches float64 dot products", () => {
  for (const dim of [1, 3, 7, 16, 100]) {
    const s = topKSetup(dim, 37, dim);
    const ref = dotRowsRef(s.mat, s.query, 37, dim);
    const diff = maxAbsDiff(s.scores, ref);
    assert.ok(diff < 1e-5, `dim ${dim}: max difference ${diff}`);
  }
});

Deno.test("`topKDotF32()` matches a full sort of the dot products", () => {
  for (
    const [rows, dim, k] of [[1000, 7, 10], [500, 64, 50], [100, 3, 100], [
      33,
      16,
      1,
    ]]
  ) {
    const s = topKSetup(rows! + dim!, rows!, dim!);
    const got = runTopK(s, rows!, dim!, k!);
    const want = topKRef(s.scores, k!);
    assert.equal(got.n, Math.min(k!, rows!));
    assert.deepEqual(got.indices, want.indices);
    assert.deepEqual(got.scores, want.scores);
  }
});

Deno.test("`topKDotF32()` pads when k exceeds rows and does nothing for k = 0", () => {
  const s = topKSetup(3, 5, 4);
  const got = runTopK(s, 5, 4, 8);
  assert.equal(got.n, 5);
  assert.deepEqual(got.indices.slice(0, 5), topKRef(s.scores, 5).indices);
  assert.deepEqual(got.indices.slice(5), [-1, -1, -1]);
  assert.deepEqual(got.scores.slice(5), [-Infinity, -Infinity, -Infinity]);
  const idx = s.arena.alloc(4);
  s.arena.i32(idx, 1)[0] = 12345;
  assert.equal(
    s.arena.kernel.topKDotF32(idx, idx, s.ptrMat, s.ptrQuery, 5, 4, 0),
    0,
  );
  assert.equal(s.arena.i32(idx, 1)[0], 12345);
  assert.equal(runTopK(s, 0, 4, 3).n, 0);
});

Deno.test("`topKDotF32()` breaks ties by lower row index", () => {
  // Coarse values make many exactly equal scores.
  const rows = 400;
  const s = topKSetup(11, rows, 2, 1);
  const distinct = new Set(s.scores).size;
  assert.ok(distinct < rows / 10, `only ${distinct} distinct scores expected`);
  for (const k of [1, 7, 60, 399]) {
    const got = runTopK(s, rows, 2, k);
    assert.deepEqual(got.indices, topKRef(s.scores, k).indices);
  }
});

Deno.test("`sgnsStepAdamF32()` matches the reference for tail dims and repeated rows", () => {
  const nNeg = 4;
  const [lr, beta1, beta2, eps] = [0.01, 0.9, 0.999, 1e-8];
  for (const dim of [1, 3, 7, 16, 100]) {
    const vocab = 6;
    const b = makeBatch(100 + dim, vocab, dim, 150, nNeg);
    const a = b.arena;
    const ptr = {
      mIn: a.alloc(vocab * dim * 4),
      vIn: a.alloc(vocab * dim * 4),
      mOut: a.alloc(vocab * dim * 4),
      vOut: a.alloc(vocab * dim * 4),
      tIn: a.alloc(vocab * 4),
      tOut: a.alloc(vocab * 4),
    };
    const state = {
      mIn: new Float32Array(vocab * dim),
      vIn: new Float32Array(vocab * dim),
      mOut: new Float32Array(vocab * dim),
      vOut: new Float32Array(vocab * dim),
      tIn: new Int32Array(vocab),
      tOut: new Int32Array(vocab),
    };
    // Two calls: the second continues from the step counts of the first.
    let maxLoss = 0;
    for (let call = 0; call < 2; call++) {
      const loss = a.kernel.sgnsStepAdamF32(
        b.ptrs.inM,
        b.ptrs.outM,
        ptr.mIn,
        ptr.vIn,
        ptr.mOut,
        ptr.vOut,
        ptr.tIn,
        ptr.tOut,
        b.ptrs.centers,
        b.ptrs.contexts,
        b.ptrs.negs,
        b.centers.length,
        nNeg,
        dim,
        lr,
        beta1,
        beta2,
        eps,
        b.ptrs.grad,
        b.ptrs.table,
      );
      const refLoss = sgnsStepAdamRef(
        b.inM,
        b.outM,
        state,
        b.centers,
        b.contexts,
        b.negs,
        nNeg,
        dim,
        lr,
        beta1,
        beta2,
        eps,
      );
      maxLoss = Math.max(maxLoss, Math.abs(loss - refLoss) / refLoss);
    }
    const dIn = maxAbsDiff(a.f32(b.ptrs.inM, b.inM.length), b.inM);
    const dOut = maxAbsDiff(a.f32(b.ptrs.outM, b.outM.length), b.outM);
    assert.deepEqual(a.i32(ptr.tIn, vocab), state.tIn);
    assert.deepEqual(a.i32(ptr.tOut, vocab), state.tOut);
    assert.ok(state.tOut.some((t) => t > 50), "rows repeat");
    assert.ok(dIn < 2e-4, `dim ${dim}: max |Δ in| ${dIn}`);
    assert.ok(dOut < 2e-4, `dim ${dim}: max |Δ out| ${dOut}`);
    assert.ok(
      maxLoss < 1e-5,
      `dim ${dim}: relative loss difference ${maxLoss}`,
    );
  }
});

Deno.test("`normalizeRowsF32()` gives unit rows and keeps zero rows zero", () => {
  for (const dim of [1, 3, 7, 16, 100]) {
    const prng = new Prng(dim);
    const rows = 9;
    const arena = new KernelArena();
    const data = randomFloats(prng, rows * dim, 3);
    data.fill(0, 2 * dim, 3 * dim);
    const src = copyIn(arena, data);
    const dst = arena.alloc(data.byteLength);
    arena.kernel.normalizeRowsF32(dst, src, rows, dim);
    const out = arena.f32(dst, rows * dim);
    const diff = maxAbsDiff(out, normalizeRowsRef(data, rows, dim));
    assert.ok(diff < 1e-6, `dim ${dim}: max difference ${diff}`);
    assert.ok(out.subarray(2 * dim, 3 * dim).every((x) => x === 0));
    for (let r = 0; r < rows; r++) {
      if (r === 2) continue;
      const row = out.subarray(r * dim, (r + 1) * dim);
      const norm = Math.sqrt(row.reduce((sum, x) => sum + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-6, `dim ${dim} row ${r}: norm ${norm}`);
    }
    // In place gives the same result.
    arena.kernel.normalizeRowsF32(src, src, rows, dim);
    assert.deepEqual(arena.f32(src, rows * dim), arena.f32(dst, rows * dim));
  }
});

/** Values for the batched-scan tests: `kind` shapes the data the int8 pass prunes on. */
function scanValues(
  kind: string,
  prng: Prng,
  n: number,
  dim: number,
): Float32Array {
  const out = randomFloats(prng, n, 1);
  const vectors = Math.floor(n / Math.max(1, dim));
  if (kind === "coarse") {
    // Halves only: many exactly equal scores.
    for (let i = 0; i < n; i++) out[i] = Math.round(out[i]! * 2) / 2;
  } else if (kind === "duplicates") {
    for (let v = 7; v < vectors; v++) {
      out.copyWithin(v * dim, (v % 7) * dim, (v % 7 + 1) * dim);
    }
  } else if (kind === "magnitudes") {
    // Vectors from 1e-3 to 1e3 long side by side in one tile.
    for (let v = 0; v < vectors; v++) {
      const scale = 10 ** (prng.int(7) - 3);
      for (let d = 0; d < dim; d++) {
        out[v * dim + d] = out[v * dim + d]! * scale;
      }
    }
  } else if (kind === "special") {
    // Zero, tiny, huge and non-finite vectors: never pruned, still exact.
    const specials = [0, 1e-35, 1e30, Infinity, -Infinity, NaN];
    for (let v = 0; v < vectors; v += 5) {
      const value = specials[prng.int(specials.length)]!;
      if (value === 0 || value === 1e-35 || value === 1e30) {
        for (let d = 0; d < dim; d++) {
          out[v * dim + d] = out[v * dim + d]! * value;
        }
      } else out[v * dim + prng.int(dim)] = value;
    }
  }
  return out;
}

const SCAN_KINDS = ["uniform", "coarse", "duplicates", "magnitudes", "special"];
/** [rows, dim, k, queries]: several tiles, k > rows, k = 0, query chunks, wide rows. */
const BATCH_SHAPES = [
  [1100, 64, 10, 20],
  [300, 7, 10, 37],
  [200, 100, 5, 9],
  [10, 3, 15, 6],
  [50, 16, 0, 4],
  [7, 1, 2, 9],
  [40, 5, 3, 1100],
  [130, 1000, 4, 300],
  [3, 70000, 2, 2],
];

Deno.test("`topKDotBatchF32()` equals one `topKDotF32()` per query, with scratch or without", () => {
  let seed = 0;
  for (const [rows, dim, k, nQueries] of BATCH_SHAPES) {
    for (const kind of SCAN_KINDS) {
      const prng = new Prng(++seed);
      const arena = new KernelArena();
      const mat = copyIn(arena, scanValues(kind, prng, rows! * dim!, dim!));
      const queries = copyIn(
        arena,
        scanValues(kind, prng, nQueries! * dim!, dim!),
      );
      const size = Math.max(1, nQueries! * k!) * 4;
      const scratchBytes = arena.kernel.scanScratchBytes(nQueries!, dim!);
      const scratch = arena.alloc(scratchBytes);
      const results = [0, scratch].map((area) => {
        const idx = arena.alloc(size);
        const score = arena.alloc(size);
        arena.i32(idx, size / 4).fill(777);
        arena.kernel.topKDotBatchF32(
          idx,
          score,
          mat,
          queries,
          nQueries!,
          rows!,
          dim!,
          k!,
          area,
        );
        return { idx, score };
      });
      const one = arena.alloc(Math.max(1, k!) * 4);
      const oneScore = arena.alloc(Math.max(1, k!) * 4);
      for (let q = 0; q < nQueries!; q++) {
        arena.kernel.topKDotF32(
          one,
          oneScore,
          mat,
          queries + q * dim! * 4,
          rows!,
          dim!,
          k!,
        );
        for (const [i, { idx, score }] of results.entries()) {
          const what = `${kind} ${rows}×${dim} k ${k}, query ${q}, ${
            i === 0 ? "no scratch" : "scratch"
          }`;
          assert.deepEqual(
            arena.i32(idx + q * k! * 4, k!),
            arena.i32(one, k!),
            what,
          );
          assert.deepEqual(
            arena.f32(score + q * k! * 4, k!),
            arena.f32(oneScore, k!),
            what,
          );
        }
      }
      if (k === 0) {
        for (const { idx } of results) assert.equal(arena.i32(idx, 1)[0], 777);
      }
    }
  }
});

/** An int8 index and int8 queries (some with -128 codes and zero scales). */
function int8Setup(
  kind: string,
  seed: number,
  rows: number,
  dim: number,
  nQueries: number,
) {
  const prng = new Prng(seed);
  const arena = new KernelArena();
  const data = copyIn(arena, scanValues(kind, prng, rows * dim, dim));
  const matI8 = arena.alloc(Math.max(1, rows * dim));
  const scales = arena.alloc(Math.max(1, rows) * 4);
  arena.kernel.quantizeRowsI8(matI8, scales, data, rows, dim);
  const floats = copyIn(arena, scanValues(kind, prng, nQueries * dim, dim));
  const queriesI8 = arena.alloc(Math.max(1, nQueries * dim));
  const queryScales = arena.alloc(Math.max(1, nQueries) * 4);
  arena.kernel.quantizeRowsI8(queriesI8, queryScales, floats, nQueries, dim);
  const codes = arena.i8(queriesI8, nQueries * dim);
  for (let q = 1; q < nQueries; q += 4) codes[q * dim + prng.int(dim)] = -128;
  if (nQueries > 2) arena.f32(queryScales, nQueries)[2] = 0;
  return { arena, matI8, scales, queriesI8, queryScales };
}

Deno.test("`topKDotI8()` ranks by the exact int8 scores, queries with -128 too", () => {
  for (const [rows, dim, k] of [[500, 64, 10], [333, 7, 20], [50, 100, 60]]) {
    const s = int8Setup("uniform", rows! + dim!, rows!, dim!, 6);
    const idx = s.arena.alloc(k! * 4);
    const score = s.arena.alloc(k! * 4);
    const matI8 = s.arena.i8(s.matI8, rows! * dim!).slice();
    const scales = s.arena.f32(s.scales, rows!).slice();
    for (let q = 0; q < 6; q++) {
      const query = s.arena.i8(s.queriesI8 + q * dim!, dim!).slice();
      const queryScale = s.arena.f32(s.queryScales, 6)[q]!;
      const n = s.arena.kernel.topKDotI8(
        idx,
        score,
        s.matI8,
        s.scales,
        s.queriesI8 + q * dim!,
        queryScale,
        rows!,
        dim!,
        k!,
      );
      const ref = dotRowsI8Ref(matI8, scales, query, queryScale, rows!, dim!);
      const want = topKRef(ref, k!);
      assert.equal(n, Math.min(k!, rows!));
      assert.deepEqual(
        [...s.arena.i32(idx, n)],
        want.indices,
        `${rows}×${dim} query ${q}`,
      );
      assert.deepEqual([...s.arena.f32(score, n)], want.scores);
    }
  }
});

Deno.test("`topKDotBatchI8()` equals one `topKDotI8()` per query, with scratch or without", () => {
  let seed = 100;
  for (const [rows, dim, k, nQueries] of BATCH_SHAPES) {
    for (const kind of SCAN_KINDS) {
      const s = int8Setup(kind, ++seed, rows!, dim!, nQueries!);
      const arena = s.arena;
      const size = Math.max(1, nQueries! * k!) * 4;
      const scratch = arena.alloc(
        arena.kernel.scanScratchBytes(nQueries!, dim!),
      );
      const results = [0, scratch].map((area) => {
        const idx = arena.alloc(size);
        const score = arena.alloc(size);
        arena.i32(idx, size / 4).fill(777);
        arena.kernel.topKDotBatchI8(
          idx,
          score,
          s.matI8,
          s.scales,
          s.queriesI8,
          s.queryScales,
          nQueries!,
          rows!,
          dim!,
          k!,
          area,
        );
        return { idx, score };
      });
      const one = arena.alloc(Math.max(1, k!) * 4);
      const oneScore = arena.alloc(Math.max(1, k!) * 4);
      for (let q = 0; q < nQueries!; q++) {
        arena.kernel.topKDotI8(
          one,
          oneScore,
          s.matI8,
          s.scales,
          s.queriesI8 + q * dim!,
          arena.f32(s.queryScales, nQueries!)[q]!,
          rows!,
          dim!,
          k!,
        );
        for (const [i, { idx, score }] of results.entries()) {
          const what = `${kind} ${rows}×${dim} k ${k}, query ${q}, ${
            i === 0 ? "no scratch" : "scratch"
          }`;
          assert.deepEqual(
            arena.i32(idx + q * k! * 4, k!),
            arena.i32(one, k!),
            what,
          );
          assert.deepEqual(
            arena.f32(score + q * k! * 4, k!),
            arena.f32(oneScore, k!),
            what,
          );
        }
      }
      if (k === 0) {
        for (const { idx } of results) assert.equal(arena.i32(idx, 1)[0], 777);
      }
    }
  }
});

/** Runs the batched f32 scan with scratch and checks each query against `topKDotF32()`. */
function assertBatchF32(
  arena: KernelArena,
  mat: Ptr,
  queries: Ptr,
  nQueries: number,
  rows: number,
  dim: number,
  k: number,
): void {
  const idx = arena.alloc(nQueries * k * 4);
  const score = arena.alloc(nQueries * k * 4);
  // Scratch needs only 4-byte alignment.
  const scratch = arena.alloc(arena.kernel.scanScratchBytes(nQueries, dim), 4);
  arena.kernel.topKDotBatchF32(
    idx,
    score,
    mat,
    queries,
    nQueries,
    rows,
    dim,
    k,
    scratch % 16 === 0 ? scratch + 4 : scratch,
  );
  const one = arena.alloc(k * 4);
  const oneScore = arena.alloc(k * 4);
  for (let q = 0; q < nQueries; q++) {
    arena.kernel.topKDotF32(
      one,
      oneScore,
      mat,
      queries + q * dim * 4,
      rows,
      dim,
      k,
    );
    assert.deepEqual(
      arena.i32(idx + q * k * 4, k),
      arena.i32(one, k),
      `query ${q}`,
    );
    assert.deepEqual(arena.f32(score + q * k * 4, k), arena.f32(oneScore, k));
  }
}

Deno.test("`topKDotBatchF32()` keeps rows their int8 codes underrate by nearly the whole bound", () => {
  // Codes times 2^-6 are exact; +0.49 of a step in every dimension leaves the
  // codes unchanged but lifts the score by 0.49·Σ|q| steps, close to the
  // bound the scan prunes with. Row 0 sets the tile scale (code 127).
  const dim = 16;
  const step = 2 ** -6;
  const rows: number[][] = [[127, ...Array(dim - 1).fill(50)]];
  for (let r = 1; r < 10; r++) rows.push(Array(dim).fill(50));
  for (let r = 0; r < 40; r++) rows.push(Array(dim).fill(10));
  for (let drop = 12; drop >= 1; drop--) {
    const codes = Array(dim).fill(50);
    codes[drop % dim] = 50 - drop;
    rows.push(codes.map((c) => c + 0.49));
  }
  const prng = new Prng(3);
  for (let r = 0; r < 30; r++) {
    rows.push(Array.from({ length: dim }, () => 40 + prng.int(10) + 0.49));
  }
  const arena = new KernelArena();
  const mat = copyIn(arena, Float32Array.from(rows.flat(), (c) => c * step));
  const nQueries = 12;
  const queries = copyIn(arena, new Float32Array(nQueries * dim).fill(1));
  assertBatchF32(arena, mat, queries, nQueries, rows.length, dim, 10);
});

Deno.test("`topKDotBatchI8()` keeps rows scoring one step above a query's k-th best", () => {
  // Equal row scales and a query of ones: scores are the rows' code sums,
  // integers crowding the threshold from both sides.
  const rows = 3000;
  const dim = 24;
  const nQueries = 9;
  const prng = new Prng(12);
  const arena = new KernelArena();
  const matI8 = arena.alloc(rows * dim);
  const codes = arena.i8(matI8, rows * dim);
  for (let i = 0; i < codes.length; i++) codes[i] = prng.int(9);
  const scales = copyIn(arena, new Float32Array(rows).fill(0.5));
  const queriesI8 = arena.alloc(nQueries * dim);
  arena.i8(queriesI8, nQueries * dim).fill(1);
  const queryScales = copyIn(arena, new Float32Array(nQueries).fill(2));
  for (const k of [1, 10, 37]) {
    const idx = arena.alloc(nQueries * k * 4);
    const score = arena.alloc(nQueries * k * 4);
    const scratch = arena.alloc(arena.kernel.scanScratchBytes(nQueries, dim));
    arena.kernel.topKDotBatchI8(
      idx,
      score,
      matI8,
      scales,
      queriesI8,
      queryScales,
      nQueries,
      rows,
      dim,
      k,
      scratch,
    );
    const want = topKRef(
      dotRowsI8Ref(
        arena.i8(matI8, rows * dim).slice(),
        arena.f32(scales, rows).slice(),
        arena.i8(queriesI8, dim).slice(),
        2,
        rows,
        dim,
      ),
      k,
    );
    for (let q = 0; q < nQueries; q++) {
      assert.deepEqual([...arena.i32(idx + q * k * 4, k)], want.indices);
      assert.deepEqual([...arena.f32(score + q * k * 4, k)], want.scores);
    }
  }
});

Deno.test("`scanScratchBytes()` grows with queries up to a chunk, then only with dim", () => {
  const kernel = new KernelArena().kernel;
  assert.equal(kernel.scanScratchBytes(0, 64), 0);
  assert.equal(kernel.scanScratchBytes(10, 0), 0);
  assert.equal(kernel.scanScratchBytes(10, 70000), 0);
  let last = 0;
  for (const n of [1, 8, 9, 100, 1024, 5000]) {
    const bytes = kernel.scanScratchBytes(n, 64);
    assert.equal(bytes % 16, 0);
    assert.ok(bytes >= last, `${n} queries: ${bytes} < ${last}`);
    last = bytes;
  }
  assert.equal(
    kernel.scanScratchBytes(5000, 64),
    kernel.scanScratchBytes(1e6, 64),
  );
  assert.ok(
    kernel.scanScratchBytes(100, 256) > kernel.scanScratchBytes(100, 64),
  );
});

Deno.test("`topKDotI8()` recalls at least 95% of the exact top 10", () => {
  const rows = 2000;
  const prng = new Prng(8);
  for (const dim of [7, 64, 100]) {
    const arena = new KernelArena();
    const data = randomFloats(prng, rows * dim, 1);
    const mat = copyIn(arena, data);
    const matI8 = arena.alloc(rows * dim);
    const scales = arena.alloc(rows * 4);
    arena.kernel.quantizeRowsI8(matI8, scales, mat, rows, dim);
    // Dequantised values are within half a step of the originals.
    const q = arena.i8(matI8, rows * dim);
    const s = arena.f32(scales, rows);
    let worst = 0;
    for (let i = 0; i < rows * dim; i++) {
      const step = s[Math.floor(i / dim)]!;
      worst = Math.max(worst, Math.abs(q[i]! * step - data[i]!) / step);
    }
    assert.ok(worst <= 0.5 + 1e-3, `dim ${dim}: max error ${worst} steps`);

    let hits = 0;
    const queries = 20;
    const query = arena.alloc(dim * 4);
    const queryI8 = arena.alloc(dim);
    const queryScale = arena.alloc(4);
    const exact = arena.alloc(rows * 4);
    const idx = arena.alloc(40);
    const score = arena.alloc(40);
    for (let t = 0; t < queries; t++) {
      arena.f32(query, dim).set(randomFloats(prng, dim, 1));
      arena.kernel.quantizeRowsI8(queryI8, queryScale, query, 1, dim);
      arena.kernel.dotRowsF32(exact, mat, query, rows, dim);
      const want = new Set(topKRef(arena.f32(exact, rows), 10).indices);
      const n = arena.kernel.topKDotI8(
        idx,
        score,
        matI8,
        scales,
        queryI8,
        arena.f32(queryScale, 1)[0]!,
        rows,
        dim,
        10,
      );
      assert.equal(n, 10);
      for (const i of arena.i32(idx, 10)) if (want.has(i)) hits++;
    }
    const recall = hits / (queries * 10);
    assert.ok(recall >= 0.95, `dim ${dim}: recall@10 ${recall}`);
  }
});

Deno.test("`quantizeRowsI8()` keeps zero rows zero", () => {
  const arena = new KernelArena();
  const src = copyIn(
    arena,
    Float32Array.of(0, 0, 0, 0, 0, 1, -2, 0.5, 0.25, -1),
  );
  const dst = arena.alloc(10);
  const scales = arena.alloc(8);
  arena.kernel.quantizeRowsI8(dst, scales, src, 2, 5);
  assert.deepEqual([...arena.i8(dst, 10)], [
    0,
    0,
    0,
    0,
    0,
    64,
    -127,
    32,
    16,
    -64,
  ]);
  assert.deepEqual([...arena.f32(scales, 2)], [0, Math.fround(2 / 127)]);
});

Deno.test("`KernelArena` views after growth see the same data", () => {
  const arena = new KernelArena();
  const prng = new Prng(5);
  const data = randomFloats(prng, 1000, 1);
  const ptr = copyIn(arena, data);
  const before = arena.memory.buffer.byteLength;
  const big = arena.alloc(3 * 65536 + 7, 64);
  assert.equal(big % 64, 0);
  assert.ok(arena.memory.buffer.byteLength > before);
  assert.ok(arena.bytesUsed >= big + 3 * 65536 + 7);
  assert.deepEqual(arena.f32(ptr, data.length), data);
  const mark = arena.mark();
  const a = arena.alloc(100);
  arena.release(mark);
  assert.equal(arena.alloc(100), a);
  assert.throws(() => arena.release(arena.bytesUsed + 1), RangeError);
});

Deno.test("`KernelArena.alloc()` throws RangeError beyond 4 GiB", () => {
  const arena = new KernelArena();
  assert.throws(() => arena.alloc(2 ** 32), (error: unknown) => {
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /Cannot allocate 4294967296 bytes/);
    return true;
  });
  assert.throws(() => arena.alloc(-1), RangeError);
  assert.throws(() => arena.alloc(8, 3), RangeError);
});

Deno.test("`KernelArena.attach()` runs the shared kernel over a received memory", () => {
  const owner = new KernelArena({ shared: true });
  assert.ok(owner.memory.buffer instanceof SharedArrayBuffer);
  const s = topKSetup(21, 50, 8);
  const mat = copyIn(owner, s.mat);
  const query = copyIn(owner, s.query);
  const idx = owner.alloc(40);
  const score = owner.alloc(40);
  const worker = KernelArena.attach(owner.memory);
  assert.equal(worker.kernel.topKDotF32(idx, score, mat, query, 50, 8, 10), 10);
  assert.deepEqual([...owner.i32(idx, 10)], topKRef(s.scores, 10).indices);
  assert.throws(() => worker.alloc(16), Error);
});

Deno.test("a `fixed` arena never grows and trains exactly like a growable one", () => {
  const nNeg = 5;
  const dim = 16;
  const a = makeBatch(31, 40, dim, 300, nNeg);
  const lossA = runSgd(a, nNeg, dim, 0.05);
  for (const shared of [false, true]) {
    // The same batch again, laid out at the same offsets in a fixed arena.
    const b = makeBatch(31, 40, dim, 300, nNeg);
    const fixed = new KernelArena({
      shared,
      fixed: true,
      initialBytes: b.arena.bytesUsed,
    });
    const pages = fixed.memory.buffer.byteLength / 65536;
    fixed.alloc(b.arena.bytesUsed - 1024);
    new Uint8Array(fixed.memory.buffer).set(
      new Uint8Array(b.arena.memory.buffer, 0, b.arena.bytesUsed),
    );
    const lossB = runSgd(b, nNeg, dim, 0.05, fixed.kernel);
    assert.equal(lossB, lossA);
    assert.deepEqual(
      fixed.f32(b.ptrs.inM, a.inM.length),
      a.arena.f32(a.ptrs.inM, a.inM.length),
    );
    assert.deepEqual(
      fixed.f32(b.ptrs.outM, a.outM.length),
      a.arena.f32(a.ptrs.outM, a.outM.length),
    );
    assert.throws(() => fixed.alloc(pages * 65536), /growing memory .* failed/);
    assert.equal(fixed.memory.buffer.byteLength, pages * 65536);
    if (shared) {
      const worker = KernelArena.attach(fixed.memory, true);
      assert.equal(worker.shared, true);
      assert.equal(
        worker.kernel.sigmoidF32(b.ptrs.table, 0),
        fixed.kernel.sigmoidF32(b.ptrs.table, 0),
      );
    }
  }
});

Deno.test("`withMemoryLimits()` fixes the imported memory's size and refuses modules without one", () => {
  const module = new WebAssembly.Module(
    withMemoryLimits(KERNEL_WASM_SHARED, 3) as Uint8Array<ArrayBuffer>,
  );
  const instantiate = (memory: WebAssembly.Memory) =>
    new WebAssembly.Instance(module, { env: { memory, abort() {} } });
  assert.ok(
    instantiate(
      new WebAssembly.Memory({ initial: 3, maximum: 3, shared: true }),
    ),
  );
  // A memory that could grow past 3 pages, or is smaller, does not link.
  assert.throws(
    () =>
      instantiate(
        new WebAssembly.Memory({ initial: 3, maximum: 4, shared: true }),
      ),
    WebAssembly.LinkError,
  );
  assert.throws(
    () =>
      instantiate(
        new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true }),
      ),
    WebAssembly.LinkError,
  );
  // The module header alone imports nothing.
  assert.throws(
    () => withMemoryLimits(KERNEL_WASM.subarray(0, 8), 1),
    /Cannot rewrite the kernel's memory limits: no imported memory/,
  );
});

Deno.test("`_build.ts --check` finds the committed kernel up to date", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../src/kernel/_build.ts", import.meta.url).pathname,
      "--check",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) +
    new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, text);
  assert.match(text, /kernel up to date/);
});
