import assert from "node:assert/strict";
import {
  decodeModel,
  detectModelFormat,
  encodeModel,
  loadModel,
  type ModelFormat,
  NATIVE_FORMAT_VERSION,
  saveModel,
} from "../src/model_io.ts";
import { InputError } from "../src/errors.ts";
import { Model } from "../src/model.ts";
import { Prng } from "../src/prng.ts";
import { Vocabulary } from "../src/vocab.ts";

const FIXTURES = new URL("./data/models/", import.meta.url);

function fixture(name: string): string {
  return new URL(name, FIXTURES).pathname;
}

/** The model stored in `data/models/tiny.e2v`. */
function tinyModel(): Model {
  return new Model({
    vocab: new Vocabulary(["u1", "u2", "ü3"], [10, 4.5, 1]),
    dim: 2,
    input: Float32Array.of(0.5, -1, 2, 0.25, -0.125, 3),
    output: Float32Array.of(1, 2, 3, 4, 5, 6),
    params: { window: 3, dim: 2, sampler: "hard", lr: 0.05 },
  });
}

/** The vectors written into `gensim.txt` and `gensim.bin` by gensim 4.2. */
const GENSIM_WORDS = ["alice", "bob", "carol_2", "zoë"];
const GENSIM_VECTORS = Float32Array.of(
  0.1,
  -0.25,
  1.5,
  1e-3,
  -2.75,
  1 / 3,
  12345.678,
  -0,
  7,
  1e-30,
  2.5e-8,
  -1,
);

function randomModel(
  seed: number,
  size: number,
  dim: number,
  withOutput: boolean,
): Model {
  const prng = new Prng(seed);
  const words: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < size; i++) {
    words.push(`acct_${i}_${prng.int(1000)}`);
    counts.push(size - i + prng.random());
  }
  const fill = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (prng.random() - 0.5) * 2;
    return a;
  };
  return new Model({
    vocab: new Vocabulary(words, counts),
    dim,
    input: fill(size * dim),
    output: withOutput ? fill(size * dim) : null,
    params: { dim, epochs: 3, optimizer: "adam", seed },
  });
}

function sameBits(a: Float32Array, b: Float32Array): void {
  assert.equal(a.length, b.length);
  assert.deepEqual(
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
  );
}

function assertSameModel(actual: Model, expected: Model): void {
  assert.deepEqual(actual.vocab.words, expected.vocab.words);
  assert.deepEqual(actual.vocab.counts, expected.vocab.counts);
  assert.equal(actual.dim, expected.dim);
  sameBits(actual.input, expected.input);
  if (expected.output === null) assert.equal(actual.output, null);
  else sameBits(actual.output!, expected.output);
  assert.deepEqual(actual.params, expected.params);
}

/** Reference CRC-32 (IEEE), bit by bit, independent of the library's tables. */
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Rewrites the trailing checksum of native bytes after a deliberate edit. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const body = out.subarray(0, out.length - 4);
  new DataView(out.buffer).setUint32(
    out.length - 4,
    referenceCrc32(body),
    true,
  );
  return out;
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function inputError(
  fn: () => unknown,
  where: { line?: number; offset?: number },
  pattern: RegExp,
): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof InputError,
    `expected an InputError, got ${caught}`,
  );
  if ("line" in where) assert.equal(caught.line, where.line, caught.message);
  if ("offset" in where) {
    assert.equal(caught.offset, where.offset, caught.message);
  }
  assert.match(caught.problem, pattern);
  return caught;
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "explore2vec-model-io-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// --- round trips -----------------------------------------------------------

Deno.test("saveModel() and loadModel() round-trip the native format with and without output vectors", async () => {
  await withTempDir(async (dir) => {
    for (const withOutput of [true, false]) {
      const model = randomModel(7, 50, 8, withOutput);
      const path = `${dir}/m-${withOutput}.e2v`;
      await saveModel(model, path);
      const loaded = await loadModel(path);
      assertSameModel(loaded, model);
      assert.equal(loaded.params.optimizer, "adam");
    }
  });
});

Deno.test("encodeModel() gives the same bytes for the same model", () => {
  const a = encodeModel(randomModel(3, 20, 4, true));
  const b = encodeModel(randomModel(3, 20, 4, true));
  assert.deepEqual(a, b);
  const c = encodeModel(randomModel(4, 20, 4, true));
  assert.notDeepEqual(a, c);
  for (const format of ["word2vec-text", "word2vec-binary"] as const) {
    assert.deepEqual(
      encodeModel(randomModel(3, 20, 4, false), format),
      encodeModel(randomModel(3, 20, 4, false), format),
    );
  }
});

Deno.test("encodeModel() writes the documented native layout with a CRC-32 of the content", () => {
  const model = tinyModel();
  const bytes = encodeModel(model);
  const view = new DataView(bytes.buffer);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "E2VMODEL");
  assert.equal(view.getUint32(8, true), NATIVE_FORMAT_VERSION);
  const headerLength = view.getUint32(12, true);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)),
  );
  assert.equal(header.dim, 2);
  assert.equal(header.size, 3);
  assert.equal(header.output, true);
  assert.deepEqual(Object.keys(header.params), [
    "dim",
    "lr",
    "sampler",
    "window",
  ]);
  assert.equal(header.createdAt, undefined);
  // Vocabulary: u32 length, UTF-8, f64 count.
  let at = 16 + headerLength;
  for (let i = 0; i < 3; i++) {
    const n = view.getUint32(at, true);
    const id = new TextDecoder().decode(bytes.subarray(at + 4, at + 4 + n));
    assert.equal(id, model.vocab.words[i]);
    assert.equal(view.getFloat64(at + 4 + n, true), model.vocab.counts[i]);
    at += 4 + n + 8;
  }
  while (at % 4 !== 0) assert.equal(bytes[at++], 0);
  for (const matrix of [model.input, model.output!]) {
    for (const v of matrix) {
      assert.equal(view.getFloat32(at, true), v);
      at += 4;
    }
  }
  assert.equal(at + 4, bytes.length);
  assert.equal(
    view.getUint32(at, true),
    referenceCrc32(bytes.subarray(0, at)),
  );
});

Deno.test("encodeModel() records createdAt only when asked", () => {
  const model = tinyModel();
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  const bytes = encodeModel(model, "native", { createdAt: when });
  assert.notDeepEqual(bytes, encodeModel(model));
  const headerLength = new DataView(bytes.buffer).getUint32(12, true);
  const header = JSON.parse(
    new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)),
  );
  assert.equal(header.createdAt, "2024-01-02T03:04:05.000Z");
  assertSameModel(decodeModel(bytes), model);
});

Deno.test("decodeModel() reads the committed native fixture, and encodeModel() still writes it byte for byte", async () => {
  const bytes = await Deno.readFile(fixture("tiny.e2v"));
  assertSameModel(decodeModel(bytes), tinyModel());
  assert.deepEqual(encodeModel(tinyModel()), bytes);
});

Deno.test("word2vec text round-trips every f32 exactly, with counts descending in file order", async () => {
  const model = randomModel(11, 40, 6, true);
  // Extremes: subnormals, the largest f32, negative zero.
  model.input.set([1e-45, -1.17549435e-38, 3.4028235e38, -0, 1e-7, 123456.7]);
  await withTempDir(async (dir) => {
    const path = `${dir}/vectors.txt`;
    await saveModel(model, path, { format: "word2vec-text" });
    const loaded = await loadModel(path);
    assert.deepEqual(loaded.vocab.words, model.vocab.words);
    assert.deepEqual(
      [...loaded.vocab.counts],
      model.vocab.words.map((_, i) => 40 - i),
    );
    sameBits(loaded.input, model.input);
    assert.equal(loaded.output, null);
    assert.deepEqual(loaded.params, {});
  });
});

Deno.test("encodeModel() writes word2vec text values with the fewest digits that read back exactly", () => {
  const model = new Model({
    vocab: new Vocabulary(["a", "b"], [2, 1]),
    dim: 3,
    input: Float32Array.of(0.1, 1 / 3, 2.5e-8, -1.5, 16777216, 1e-45),
  });
  // f32(0.1) prints as 0.1 (7 digits suffice); f32(1/3) needs 8; any decimal
  // near 1.4e-45 reads back as the smallest subnormal, so 7 digits do.
  assert.equal(
    new TextDecoder().decode(encodeModel(model, "word2vec-text")),
    "2 3\na 0.1 0.33333334 2.5e-8\nb -1.5 16777216 1.401298e-45\n",
  );
});

Deno.test("word2vec binary round-trips vectors exactly", () => {
  const model = randomModel(12, 30, 5, false);
  const bytes = encodeModel(model, "word2vec-binary");
  const headerEnd = bytes.indexOf(0x0a) + 1;
  assert.equal(
    new TextDecoder().decode(bytes.subarray(0, headerEnd)),
    "30 5\n",
  );
  const loaded = decodeModel(bytes);
  assert.deepEqual(loaded.vocab.words, model.vocab.words);
  sameBits(loaded.input, model.input);
});

Deno.test("decodeModel() accepts binary rows with and without a newline after each vector", () => {
  const header = text("2 2\n");
  const row = (id: string, a: number, b: number): Uint8Array => {
    const out = new Uint8Array(id.length + 1 + 8);
    out.set(text(`${id} `));
    new DataView(out.buffer).setFloat32(id.length + 1, a, true);
    new DataView(out.buffer).setFloat32(id.length + 5, b, true);
    return out;
  };
  const join = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const nl = Uint8Array.of(0x0a);
  const expected = Float32Array.of(0.5, -1.5, 2, 4);
  for (
    const bytes of [
      join(header, row("x", 0.5, -1.5), row("y", 2, 4)),
      join(header, row("x", 0.5, -1.5), nl, row("y", 2, 4), nl),
    ]
  ) {
    const model = decodeModel(bytes, { format: "word2vec-binary" });
    assert.deepEqual(model.vocab.words, ["x", "y"]);
    sameBits(model.input, expected);
  }
});

Deno.test("decodeModel() reads word2vec C-tool text with a trailing space and CRLF line ends", () => {
  const model = decodeModel(
    text("2 3 \r\na 0.100000 -2.000000 3.5 \r\nb 1 2 3 \r\n"),
  );
  assert.deepEqual(model.vocab.words, ["a", "b"]);
  sameBits(model.input, Float32Array.of(0.1, -2, 3.5, 1, 2, 3));
});

Deno.test("decodeModel() skips a UTF-8 byte-order mark before a word2vec header", () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...text("1 2\nå 0.5 -1\n")]);
  assert.equal(detectModelFormat(bytes), "word2vec-text");
  const model = decodeModel(bytes);
  assert.deepEqual(model.vocab.words, ["å"]);
  sameBits(model.input, Float32Array.of(0.5, -1));
});

Deno.test("loadModel() reads the gensim text and binary fixtures with the same vectors", async () => {
  for (const name of ["gensim.txt", "gensim.bin"]) {
    const model = await loadModel(fixture(name));
    assert.deepEqual(model.vocab.words, GENSIM_WORDS, name);
    assert.deepEqual([...model.vocab.counts], [4, 3, 2, 1]);
    sameBits(model.input, GENSIM_VECTORS);
  }
});

Deno.test("loadModel() streams a file larger than its read buffer", async () => {
  // 3000 × 100 floats is 1.2 MB per matrix, past the 1 MiB read buffer.
  const model = randomModel(21, 3000, 100, true);
  await withTempDir(async (dir) => {
    for (const format of ["native", "word2vec-binary"] as const) {
      const path = `${dir}/big.${format}`;
      await saveModel(model, path, { format });
      const loaded = await loadModel(path);
      sameBits(loaded.input, model.input);
      assert.deepEqual(loaded.vocab.words, model.vocab.words);
    }
  });
});

// --- format detection ------------------------------------------------------

Deno.test("detectModelFormat() tells the three formats apart and rejects foreign bytes", async () => {
  const model = randomModel(5, 10, 4, true);
  for (
    const format of ["native", "word2vec-text", "word2vec-binary"] as const
  ) {
    assert.equal(detectModelFormat(encodeModel(model, format)), format);
  }
  assert.equal(
    detectModelFormat(await Deno.readFile(fixture("gensim.bin"))),
    "word2vec-binary",
  );
  assert.equal(
    detectModelFormat(await Deno.readFile(fixture("gensim.txt"))),
    "word2vec-text",
  );
  assert.equal(
    detectModelFormat(await Deno.readFile(fixture("not_a_model.png"))),
    undefined,
  );
  assert.equal(detectModelFormat(text("hello world\n")), undefined);
  assert.equal(detectModelFormat(new Uint8Array(0)), undefined);
});

Deno.test("detectModelFormat() spots a binary file whose first float begins with a newline byte", () => {
  const bytes = new Uint8Array(4 + 2 + 8);
  bytes.set(text("1 2\na "));
  new DataView(bytes.buffer).setUint32(6, 0x3f00000a, true); // ~0.5, low byte \n
  new DataView(bytes.buffer).setFloat32(10, 2, true);
  assert.equal(detectModelFormat(bytes), "word2vec-binary");
  const model = decodeModel(bytes);
  assert.equal(model.input[1], 2);
});

Deno.test("decodeModel() honours an explicit format over detection", () => {
  const bytes = encodeModel(tinyModel(), "word2vec-text");
  inputError(
    () => decodeModel(bytes, { format: "native" }),
    { offset: 0 },
    /not an explore2vec model/,
  );
  assert.deepEqual(
    decodeModel(bytes, { format: "word2vec-text" }).vocab.words,
    tinyModel().vocab.words,
  );
  assert.throws(
    () => decodeModel(bytes, { format: "csv" as ModelFormat }),
    RangeError,
  );
});

// --- broken native files ---------------------------------------------------

Deno.test("decodeModel() rejects a foreign file", async () => {
  const png = await Deno.readFile(fixture("not_a_model.png"));
  inputError(() => decodeModel(png), { offset: 0 }, /not an explore2vec model/);
  inputError(
    () => decodeModel(png, { format: "native" }),
    { offset: 0 },
    /not an explore2vec model/,
  );
  await assert.rejects(
    loadModel(fixture("not_a_model.png")),
    (e) => e instanceof InputError && e.file.endsWith("not_a_model.png"),
  );
});

Deno.test("decodeModel() rejects a newer native version with an upgrade hint", () => {
  const bytes = encodeModel(tinyModel());
  new DataView(bytes.buffer).setUint32(8, NATIVE_FORMAT_VERSION + 1, true);
  const error = inputError(
    () => decodeModel(resealed(bytes)),
    { offset: 8 },
    /written by format version 2; this library reads up to 1: upgrade explore2vec/,
  );
  assert.equal(error.file, "<bytes>");
  new DataView(bytes.buffer).setUint32(8, 0, true);
  inputError(
    () => decodeModel(bytes),
    { offset: 8 },
    /unknown format version 0/,
  );
});

Deno.test("decodeModel() reports a truncated native file with expected and actual sizes", () => {
  const bytes = encodeModel(tinyModel());
  for (const cut of [1, 4, 20, bytes.length - 40]) {
    const short = bytes.subarray(0, bytes.length - cut);
    const error = inputError(
      () => decodeModel(short, { name: "m.e2v" }),
      {},
      /^truncated: expected (at least )?\d+ bytes, got \d+$/,
    );
    assert.equal(error.file, "m.e2v");
    assert.ok(error.offset !== undefined);
    assert.match(error.problem, new RegExp(`got ${short.length}$`));
  }
  inputError(
    () => decodeModel(bytes.subarray(0, bytes.length - 1)),
    {},
    new RegExp(`expected ${bytes.length} bytes, got ${bytes.length - 1}`),
  );
  inputError(() => decodeModel(bytes.subarray(0, 12)), {}, /truncated/);
});

Deno.test("decodeModel() detects a flipped bit through the checksum", () => {
  const bytes = encodeModel(tinyModel());
  const damaged = bytes.slice();
  damaged[bytes.length - 10]! ^= 0x10;
  inputError(
    () => decodeModel(damaged),
    { offset: bytes.length - 4 },
    /checksum mismatch/,
  );
});

Deno.test("decodeModel() rejects trailing bytes after the checksum", () => {
  const bytes = encodeModel(tinyModel());
  const longer = new Uint8Array(bytes.length + 3);
  longer.set(bytes);
  inputError(
    () => decodeModel(longer),
    { offset: bytes.length },
    /unexpected data/,
  );
});

Deno.test("decodeModel() names the account and byte offset of a NaN or infinite value", () => {
  const model = tinyModel();
  const bytes = encodeModel(model);
  const inputStart = bytes.length - 4 - 2 * model.input.byteLength;
  const view = new DataView(bytes.buffer);
  view.setFloat32(inputStart + 3 * 4, NaN, true); // "u2", component 1
  inputError(
    () => decodeModel(resealed(bytes)),
    { offset: inputStart + 12 },
    /input vector of account "u2" has NaN at component 1/,
  );
  const other = encodeModel(model);
  const outputStart = other.length - 4 - model.output!.byteLength;
  new DataView(other.buffer).setFloat32(outputStart + 4 * 4, -Infinity, true);
  inputError(
    () => decodeModel(resealed(other)),
    { offset: outputStart + 16 },
    /output vector of account "ü3" has -Infinity at component 0/,
  );
});

Deno.test("decodeModel() rejects duplicate account ids in a native file", () => {
  const model = new Model({
    vocab: new Vocabulary(["ab", "cd"], [2, 1]),
    dim: 1,
    input: Float32Array.of(1, 2),
  });
  const bytes = encodeModel(model);
  const at = bytes.indexOf(0x63); // "c" of "cd"
  bytes.set(text("ab"), at);
  const error = inputError(
    () => decodeModel(resealed(bytes)),
    { offset: at - 4 },
    /duplicate account "ab"/,
  );
  assert.equal(error.name, "InputError");
});

Deno.test("decodeModel() rejects a native header that is not valid", () => {
  const bytes = encodeModel(tinyModel());
  const headerLength = new DataView(bytes.buffer).getUint32(12, true);
  const broken = bytes.slice();
  broken[16] = 0x5b; // "[" instead of "{"
  inputError(() => decodeModel(resealed(broken)), { offset: 16 }, /header/);
  const json = new TextDecoder().decode(
    bytes.subarray(16, 16 + headerLength),
  );
  const zeroDim = bytes.slice();
  zeroDim.set(text(json.replace('"dim":2,', '"dim":0,')), 16);
  inputError(
    () => decodeModel(resealed(zeroDim)),
    { offset: 16 },
    /dim must be/,
  );
});

Deno.test("decodeModel() refuses absurd native sizes before allocating", () => {
  const bytes = encodeModel(tinyModel());
  const longHeader = bytes.slice();
  new DataView(longHeader.buffer).setUint32(12, 0xffffffff, true);
  inputError(
    () => decodeModel(resealed(longHeader)),
    { offset: 12 },
    /header length 4294967295 exceeds the maximum/,
  );
  const headerLength = new DataView(bytes.buffer).getUint32(12, true);
  const json = new TextDecoder().decode(bytes.subarray(16, 16 + headerLength));
  // Claim 9e9 accounts: far more than the file can hold.
  const edited = json.replace('"dim":2,"size":3,', '"dim":2,"size":9e9,');
  const padded = new Uint8Array(bytes.length + edited.length - json.length);
  padded.set(bytes.subarray(0, 16));
  new DataView(padded.buffer).setUint32(12, edited.length, true);
  padded.set(text(edited), 16);
  padded.set(bytes.subarray(16 + headerLength), 16 + edited.length);
  inputError(
    () => decodeModel(resealed(padded)),
    {},
    /^truncated: expected at least \d+ bytes, got \d+$/,
  );
});

Deno.test("decodeModel() skips unknown parameters and rejects mistyped known ones", () => {
  const bytes = encodeModel(tinyModel());
  const headerLength = new DataView(bytes.buffer).getUint32(12, true);
  const json = new TextDecoder().decode(bytes.subarray(16, 16 + headerLength));
  const withHeader = (header: string): Uint8Array => {
    const out = new Uint8Array(bytes.length + header.length - json.length);
    out.set(bytes.subarray(0, 16));
    new DataView(out.buffer).setUint32(12, header.length, true);
    out.set(text(header), 16);
    // Keep the matrices 4-byte aligned: the vocabulary moves with the header.
    out.set(bytes.subarray(16 + headerLength), 16 + header.length);
    return out;
  };
  // Replace with headers of the same length so alignment padding is unchanged.
  const unknown = json.replace('"lr":0.05', '"zz":"hi"');
  assert.equal(unknown.length, json.length);
  const loaded = decodeModel(resealed(withHeader(unknown)));
  assert.deepEqual(loaded.params, { dim: 2, sampler: "hard", window: 3 });
  const mistyped = json.replace('"lr":0.05', '"lr":"05"');
  assert.equal(mistyped.length, json.length);
  inputError(
    () => decodeModel(resealed(withHeader(mistyped))),
    { offset: 16 },
    /parameter lr must be a number, got "05"/,
  );
});

// --- broken word2vec files -------------------------------------------------

Deno.test("loadModel() reports broken word2vec text files with file and line", async () => {
  const cases: [string, number, RegExp][] = [
    ["short_rows.txt", 4, /header claims 3 rows but the file ends after 2/],
    ["wrong_count.txt", 3, /expected 2 values after "b".*got 3/],
    ["not_a_number.txt", 3, /value 2 of "b" is not a number: "x4"/],
    ["nan_value.txt", 2, /value 2 of "a" is NaN/],
    ["duplicate.txt", 4, /duplicate account "a" \(first on line 2\)/],
  ];
  for (const [name, line, pattern] of cases) {
    const path = fixture(name);
    const error = await loadModel(path).then(
      () => assert.fail(`${name} loaded`),
      (e) => e,
    );
    assert.ok(error instanceof InputError, `${name}: ${error}`);
    assert.equal(error.file, path);
    assert.equal(error.line, line, error.message);
    assert.match(error.problem, pattern);
  }
});

Deno.test("decodeModel() reports more word2vec text problems at their line", () => {
  const cases: [string, number, RegExp][] = [
    ["2 2\na 1 2\nb 3\n", 3, /expected 2 values after "b".*got 1/],
    ["1 2\na 1 inf\n", 2, /value 2 of "a" is infinite/],
    ["1 2\na 1 1e39\n", 2, /value 2 of "a" is infinite/],
    ["1 2\na 1 2\nb 3 4\n", 3, /more rows than the 1 the header claims/],
    ["2 2\na 1 2\n\nb 3 4\n", 3, /empty line/],
    ["two 2\na 1 2\n", 1, /expected a header line/],
    ["1 0\na\n", 1, /dimension must be at least 1/],
    ["1000000 300\na 1\n", 1, /more than a file of \d+ bytes can hold/],
  ];
  for (const [content, line, pattern] of cases) {
    inputError(
      () => decodeModel(text(content), { format: "word2vec-text" }),
      { line },
      pattern,
    );
  }
  inputError(
    () =>
      decodeModel(
        Uint8Array.of(0x31, 0x20, 0x31, 0x0a, 0x61, 0xff, 0x20, 0x31, 0x0a),
      ),
    { line: 2 },
    /invalid UTF-8/,
  );
});

Deno.test("loadModel() reports empty files and missing files", async () => {
  await assert.rejects(
    loadModel(fixture("empty.txt")),
    (e) => e instanceof InputError && /empty file/.test(e.problem),
  );
  await assert.rejects(
    loadModel(fixture("empty.txt"), { format: "word2vec-text" }),
    (e) =>
      e instanceof InputError && e.line === 1 && /empty file/.test(e.problem),
  );
  await assert.rejects(
    loadModel(fixture("no_such_model.e2v")),
    (e) => e instanceof InputError && e.problem === "no such file",
  );
});

Deno.test("loadModel() reports a truncated word2vec binary file at its byte offset", async () => {
  const error = await loadModel(fixture("truncated.bin")).then(
    () => assert.fail("truncated.bin loaded"),
    (e) => e,
  );
  assert.ok(error instanceof InputError);
  // gensim.bin: "4 3\n" then rows of id + space + 12 bytes: "alice" at 4,
  // "bob" at 22, "carol_2" at 38, "zoë" at 58; the cut at 60 falls in "zoë".
  assert.equal(error.offset, 58);
  assert.match(
    error.problem,
    /truncated: row 4 of 4 ends inside its account id/,
  );
});

Deno.test("decodeModel() reports broken word2vec binary rows at their byte offset", () => {
  const good = encodeModel(
    new Model({
      vocab: new Vocabulary(["a", "b"], [2, 1]),
      dim: 2,
      input: Float32Array.of(1, 2, 3, 4),
    }),
    "word2vec-binary",
  );
  // Layout: "2 2\n" (4) | "a " (2) 8 bytes "\n" | "b " 8 bytes "\n"
  inputError(
    () => decodeModel(good.subarray(0, 24), { format: "word2vec-binary" }),
    { offset: 17 },
    /truncated: the vector of "b" \(row 2 of 2\) needs 8 bytes, got 7/,
  );
  // Shorter than the header's rows can possibly fit: caught before reading.
  inputError(
    () => decodeModel(good.subarray(0, 20), { format: "word2vec-binary" }),
    { offset: 0 },
    /truncated: header claims 2 rows of 2 floats, expected at least 24 bytes, got 20/,
  );
  const nan = good.slice();
  new DataView(nan.buffer).setFloat32(10, NaN, true);
  inputError(
    () => decodeModel(nan, { format: "word2vec-binary" }),
    { offset: 10 },
    /the vector of "a" has NaN at component 1/,
  );
  const dup = good.slice();
  dup[15] = 0x61; // "b" → "a"
  inputError(
    () => decodeModel(dup, { format: "word2vec-binary" }),
    { offset: 15 },
    /duplicate account "a"/,
  );
  const extra = new Uint8Array(good.length + 5);
  extra.set(good);
  extra.set(text("c 1 2"), good.length);
  inputError(
    () => decodeModel(extra, { format: "word2vec-binary" }),
    { offset: good.length },
    /unexpected data after the 2 rows/,
  );
  const moreRows = good.slice();
  moreRows[0] = 0x33; // header says 3 rows
  inputError(
    () => decodeModel(moreRows, { format: "word2vec-binary" }),
    {},
    /truncated/,
  );
});

// --- saving rejects what the formats cannot hold ---------------------------

Deno.test("encodeModel() refuses non-finite vectors and ids with whitespace", () => {
  const nan = new Model({
    vocab: new Vocabulary(["a", "b"], [2, 1]),
    dim: 1,
    input: Float32Array.of(1, NaN),
  });
  assert.throws(
    () => encodeModel(nan),
    (e) => e instanceof RangeError && /vector of "b" has NaN/.test(e.message),
  );
  const spaced = new Model({
    vocab: new Vocabulary(["a b"], [1]),
    dim: 1,
    input: Float32Array.of(1),
  });
  assert.throws(() => encodeModel(spaced, "word2vec-text"), RangeError);
  assert.throws(() => encodeModel(spaced, "word2vec-binary"), RangeError);
  assertSameModel(decodeModel(encodeModel(spaced)), spaced);
});

Deno.test("saveModel() leaves the previous file when the model cannot be saved", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/m.e2v`;
    await saveModel(tinyModel(), path);
    const bad = new Model({
      vocab: new Vocabulary(["x"], [1]),
      dim: 1,
      input: Float32Array.of(Infinity),
    });
    await assert.rejects(saveModel(bad, path), RangeError);
    assertSameModel(await loadModel(path), tinyModel());
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["m.e2v"]);
  });
});

Deno.test("encodeModel() and decodeModel() handle an empty vocabulary", () => {
  const empty = new Model({
    vocab: new Vocabulary([], []),
    dim: 3,
    input: new Float32Array(0),
  });
  for (
    const format of ["native", "word2vec-text", "word2vec-binary"] as const
  ) {
    const loaded = decodeModel(encodeModel(empty, format), { format });
    assert.equal(loaded.size, 0);
    assert.equal(loaded.dim, 3);
  }
});

// --- crash safety ----------------------------------------------------------

Deno.test("saving through writeFileAtomic() survives SIGKILL mid-write: the previous model still loads", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/model.e2v`;
    const previous = tinyModel();
    await saveModel(previous, path);
    const script = `${dir}/slow_writer.ts`;
    const src = new URL("../src/", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { writeAll, writeFileAtomic } from "${src}_atomic.ts";
import { encodeModel } from "${src}model_io.ts";
import { Model } from "${src}model.ts";
import { Vocabulary } from "${src}vocab.ts";
const size = 4000, dim = 64;
const words = Array.from({ length: size }, (_, i) => "w" + i);
const input = new Float32Array(size * dim).fill(0.5);
const bytes = encodeModel(new Model({ vocab: new Vocabulary(words, words.map((_, i) => size - i)), dim, input }));
await writeFileAtomic(Deno.args[0], async (file) => {
  const half = bytes.length >> 1;
  for (let at = 0; at < bytes.length; at += 8192) {
    await writeAll(file, bytes.subarray(at, Math.min(at + 8192, bytes.length)));
    if (at < half && at + 8192 >= half) {
      // Halfway: tell the parent, then stall until it kills this process.
      console.log("started");
      await Deno.stdin.read(new Uint8Array(1));
    }
  }
});
console.log("finished");
`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", script, path],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    let seen = "";
    while (!seen.includes("started")) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    assert.equal(seen.trim(), "started");
    child.kill("SIGKILL");
    const status = await child.status;
    reader.releaseLock();
    await child.stdout.cancel();
    assert.equal(status.success, false);
    assert.equal(status.signal, "SIGKILL");
    await child.stdin.close().catch(() => {});
    // The half-written temporary file is there; the model is the old one.
    const temps = [...Deno.readDirSync(dir)].filter((e) =>
      e.name.startsWith(".model.e2v.tmp-")
    );
    assert.equal(temps.length, 1);
    const partial = await Deno.stat(`${dir}/${temps[0]!.name}`);
    const full = encodeModel(
      new Model({
        vocab: new Vocabulary(
          Array.from({ length: 4000 }, (_, i) => "w" + i),
          Array.from({ length: 4000 }, (_, i) => 4000 - i),
        ),
        dim: 64,
        input: new Float32Array(4000 * 64).fill(0.5),
      }),
    ).length;
    assert.ok(
      partial.size >= full / 2 && partial.size < full,
      `${partial.size} of ${full}`,
    );
    assertSameModel(await loadModel(path), previous);
  });
});
