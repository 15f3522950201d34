/**
 * Broken inputs tried for real against every reader: sessions (text, the
 * text fast path of the corpus builder, JSONL, CSV), posts, interactions
 * (JSONL, CSV) and model files (native, word2vec text and binary). Each must
 * end in one InputError naming the file and the line or byte offset, with a
 * word that says what is wrong; legal oddities (an empty file, one 10 MB
 * session) must read.
 */

import assert from "node:assert/strict";
import { InputError } from "../src/errors.ts";
import { readSessions } from "../src/read_sessions.ts";
import { readPosts } from "../src/read_posts.ts";
import { readInteractions } from "../src/read_interactions.ts";
import { buildCorpusFromText } from "../src/corpus.ts";
import { decodeModel, encodeModel, loadModel } from "../src/model_io.ts";
import { Model } from "../src/model.ts";
import { Vocabulary } from "../src/vocab.ts";

const BAD = new URL("./data/bad/", import.meta.url);
const MODELS = new URL("./data/models/", import.meta.url);
const encoder = new TextEncoder();

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A reader under test: reads the whole file and returns what it made. */
type Reader = (path: string) => Promise<unknown[] | unknown>;

/** Every line reader, with a file name whose extension selects its format. */
const LINE_READERS: Record<string, { ext: string; read: Reader }> = {
  "sessions text": { ext: "txt", read: (p) => drain(readSessions(p)) },
  "corpus text": {
    ext: "txt",
    read: async (p) => (await buildCorpusFromText(p)).corpus.offsets,
  },
  "sessions jsonl": { ext: "jsonl", read: (p) => drain(readSessions(p)) },
  "sessions csv": { ext: "csv", read: (p) => drain(readSessions(p)) },
  "posts": { ext: "jsonl", read: (p) => drain(readPosts(p)) },
  "interactions jsonl": {
    ext: "jsonl",
    read: (p) => drain(readInteractions(p)),
  },
  "interactions csv": { ext: "csv", read: (p) => drain(readInteractions(p)) },
};

/** A valid first line of each reader's format. */
const FIRST_LINE: Record<string, string> = {
  "sessions text": "cats dogs",
  "corpus text": "cats dogs",
  "sessions jsonl": '["cats", "dogs"]',
  "sessions csv": "session,account",
  "posts": '{"post_id": "p1", "account": "cats"}',
  "interactions jsonl":
    '{"user": "u1", "post_id": "p1", "liked": 1, "saved": 0, "hidden": 0}',
  "interactions csv": "user,post_id,liked,saved,hidden",
};

interface Expected {
  file: string;
  line?: number;
  offset?: number;
  /** A distinctive word of the problem. */
  word: RegExp;
}

/** Asserts that `run` rejects with exactly one InputError at `expected`. */
async function assertInputError(
  run: () => Promise<unknown> | unknown,
  expected: Expected,
  label: string,
): Promise<InputError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof InputError,
    `${label}: expected an InputError, got ${
      caught === undefined ? "no error" : String(caught)
    }`,
  );
  assert.equal(caught.file, expected.file, `${label}: file`);
  assert.equal(caught.line, expected.line, `${label}: line`);
  assert.equal(caught.offset, expected.offset, `${label}: offset`);
  assert.match(caught.problem, expected.word, `${label}: problem`);
  const where = expected.line !== undefined
    ? `${expected.file}:${expected.line}: `
    : expected.offset !== undefined
    ? `${expected.file}@${expected.offset}: `
    : `${expected.file}: `;
  assert.ok(caught.message.startsWith(where), `${label}: ${caught.message}`);
  assert.ok(!caught.message.includes("\n"), `${label}: one line`);
  return caught;
}

async function catchError(
  run: () => Promise<unknown> | unknown,
): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "e2v_bad_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// ---------------------------------------------------------------------------
// Failures every reader shares

Deno.test("every reader names a directory, a missing file and invalid UTF-8", async () => {
  await withDir(async (dir) => {
    for (const [label, { ext, read }] of Object.entries(LINE_READERS)) {
      await assertInputError(() => read(dir), {
        file: dir,
        word: /directory/,
      }, `${label} on a directory`);
      const missing = `${dir}/missing.${ext}`;
      await assertInputError(() => read(missing), {
        file: missing,
        word: /no such file/,
      }, `${label} on a missing file`);
      const bad = `${dir}/bad_${label.replace(" ", "_")}.${ext}`;
      const bytes = new Uint8Array([
        ...encoder.encode(FIRST_LINE[label]! + "\n"),
        0x61,
        0xc3, // a lead byte with no continuation
        0x28,
        0x0a,
      ]);
      await Deno.writeFile(bad, bytes);
      await assertInputError(() => read(bad), {
        file: bad,
        line: 2,
        word: /UTF-8/,
      }, `${label} on invalid UTF-8`);
    }
    await assertInputError(() => loadModel(dir), {
      file: dir,
      word: /directory/,
    }, "loadModel on a directory");
    await assertInputError(() => loadModel(`${dir}/none.e2v`), {
      file: `${dir}/none.e2v`,
      word: /no such file/,
    }, "loadModel on a missing file");
  });
});

Deno.test("every line reader reads an empty file as nothing, and a model reader names it", async () => {
  await withDir(async (dir) => {
    for (const [label, { ext, read }] of Object.entries(LINE_READERS)) {
      const path = `${dir}/empty_${label.replace(" ", "_")}.${ext}`;
      await Deno.writeFile(path, new Uint8Array(0));
      const result = await read(path);
      if (label === "corpus text") {
        assert.deepEqual([...(result as Int32Array)], [0], label);
      } else assert.deepEqual(result, [], label);
    }
    const empty = new URL("empty.txt", MODELS).pathname;
    await assertInputError(() => loadModel(empty), {
      file: empty,
      word: /empty/,
    }, "empty model");
  });
});

Deno.test("every line reader names the line of a line longer than its limit", async () => {
  await withDir(async (dir) => {
    for (const [label, { ext }] of Object.entries(LINE_READERS)) {
      const path = `${dir}/long_${label.replace(" ", "_")}.${ext}`;
      await Deno.writeTextFile(
        path,
        `${FIRST_LINE[label]}\n${"x".repeat(5000)}\n`,
      );
      const options = { maxLineLength: 1000 };
      const read: Reader = label === "corpus text"
        ? (p) => buildCorpusFromText(p, options)
        : label.startsWith("sessions")
        ? (p) => drain(readSessions(p, options))
        : label === "posts"
        ? (p) => drain(readPosts(p, options))
        : (p) => drain(readInteractions(p, options));
      await assertInputError(() => read(path), {
        file: path,
        line: 2,
        word: /longer than the maximum of 1000 bytes/,
      }, label);
    }
  });
});

// ---------------------------------------------------------------------------
// Sessions

Deno.test("readSessions() and buildCorpusFromText() read a 10 MB single line as one long session", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/one_line.txt`;
    // 2.6M tokens of 4 bytes ("a1 " … ), about 10 MB with no newline at all.
    const ids = ["a1", "b2", "c3", "d4", "e5"];
    const tokens: string[] = [];
    for (let i = 0; i < 2_600_000; i++) tokens.push(ids[i % 5]!);
    const text = tokens.join("  ");
    assert.ok(text.length >= 10_000_000);
    await Deno.writeTextFile(path, text);
    const sessions = await drain(readSessions(path));
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.accounts.length, 2_600_000);
    assert.equal(sessions[0]!.accounts[2_599_999], "e5");
    const built = await buildCorpusFromText(path);
    assert.deepEqual([...built.corpus.offsets], [0, 2_600_000]);
    assert.deepEqual(built.vocab.words, ids);
    assert.deepEqual([...built.vocab.counts], [
      520_000,
      520_000,
      520_000,
      520_000,
      520_000,
    ]);
  });
});

Deno.test("readSessions() reads a 10 MB JSONL line as one long session", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/one_line.jsonl`;
    const accounts: string[] = [];
    for (let i = 0; i < 1_100_000; i++) accounts.push(`acct${i % 977}`);
    const line = JSON.stringify({ user: "u", accounts });
    assert.ok(line.length >= 10_000_000);
    await Deno.writeTextFile(path, `["x"]\n${line}\n`);
    const sessions = await drain(readSessions(path));
    assert.equal(sessions.length, 2);
    assert.equal(sessions[1]!.accounts.length, 1_100_000);
    assert.equal(sessions[1]!.user, "u");
  });
});

Deno.test("readSessions() names file, line and problem of broken JSONL", async () => {
  const cases: [string, number, RegExp][] = [
    ["truncated.jsonl", 2, /invalid JSON/],
    ["not_sessions.jsonl", 3, /"accounts"/],
    ["non_string_id.jsonl", 2, /account id 1 to be a string/],
    ["bad_timestamp.jsonl", 2, /invalid timestamp "next tuesday"/],
  ];
  for (const [name, line, word] of cases) {
    const path = new URL(name, BAD).pathname;
    await assertInputError(() => drain(readSessions(path)), {
      file: path,
      line,
      word,
    }, name);
  }
  await withDir(async (dir) => {
    const inline: [string, number, RegExp][] = [
      ['["a"]\n["b", NaN]\n', 2, /invalid JSON/],
      ['["a"]\n{"accounts": ["b", ""]}\n', 2, /empty/],
      ['["a"]\n{"accounts": "b c"}\n', 2, /"accounts"/],
      ['{"accounts": ["a"], "user": 7}\n', 1, /"user" to be a string/],
      ['["a"]\n\n', 2, /invalid JSON/],
      ['["a"]\n{"accounts": ["b"]', 2, /invalid JSON/],
    ];
    for (const [i, [text, line, word]] of inline.entries()) {
      const path = `${dir}/case${i}.jsonl`;
      await Deno.writeTextFile(path, text);
      await assertInputError(() => drain(readSessions(path)), {
        file: path,
        line,
        word,
      }, JSON.stringify(text));
    }
  });
});

Deno.test("readSessions() names file, line and problem of broken CSV", async () => {
  const cases: [string, number, RegExp][] = [
    ["wrong_columns.csv", 1, /missing column "session"/],
    ["unterminated_quote.csv", 2, /unterminated/],
    ["missing_field.csv", 4, /expected 3 fields, got 2/],
    ["bad_timestamp.csv", 3, /invalid timestamp "yesterday"/],
  ];
  for (const [name, line, word] of cases) {
    const path = new URL(name, BAD).pathname;
    await assertInputError(() => drain(readSessions(path)), {
      file: path,
      line,
      word,
    }, name);
  }
  await withDir(async (dir) => {
    const inline: [string, number, RegExp][] = [
      ["user,item\nu1,cats\nu1,\n", 3, /empty account/],
      ["user,item\n,cats\n", 2, /empty session or user/],
      ['user,item\nu1,"cats"x\n', 2, /after quoted field/],
      ["user,item,ts\nu1,cats,NaN\n", 2, /invalid timestamp/],
      ["user,item,ts\nu1,cats,Infinity\n", 2, /invalid timestamp/],
      ["user,item\nu1,cats,dogs\n", 2, /expected 2 fields, got 3/],
      ["session;account\ns1;cats\n", 1, /missing column/],
    ];
    for (const [i, [text, line, word]] of inline.entries()) {
      const path = `${dir}/case${i}.csv`;
      await Deno.writeTextFile(path, text);
      await assertInputError(() => drain(readSessions(path)), {
        file: path,
        line,
        word,
      }, JSON.stringify(text));
    }
  });
});

Deno.test("readSessions() reads a CSV header with no rows as no sessions", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/header.csv`;
    await Deno.writeTextFile(path, "user,account,ts\n");
    assert.deepEqual(await drain(readSessions(path)), []);
  });
});

Deno.test("readSessions() rejects a CSV timestamp that overflows to Infinity", async () => {
  // "1e999" matches the decimal pattern and Number() makes it Infinity,
  // which parseTimestamp returns without a finiteness check.
  for (const ts of ["1e999", "-1e999", "9".repeat(400)]) {
    await assertInputError(
      () =>
        drain(
          readSessions({ text: `user,account,ts\nu1,cats,${ts}\n` }, {
            format: "csv",
            name: "s.csv",
          }),
        ),
      { file: "s.csv", line: 2, word: /invalid timestamp/ },
      ts.slice(0, 12),
    );
  }
});

Deno.test("an infinite JSON timestamp is reported as its text, not as null", async () => {
  // JSON.parse turns 1e400 into Infinity and JSON.stringify(Infinity) is
  // "null", so the message reads 'invalid timestamp null'.
  const error = await assertInputError(
    () =>
      drain(
        readSessions({ text: '{"accounts": ["a"], "ts": 1e400}\n' }, {
          format: "jsonl",
          name: "s.jsonl",
        }),
      ),
    { file: "s.jsonl", line: 1, word: /invalid timestamp/ },
    "1e400",
  );
  assert.doesNotMatch(error.problem, /null/);
});

// ---------------------------------------------------------------------------
// Posts and interactions

Deno.test("readPosts() names file, line and problem of broken posts", async () => {
  const fixtures: [string, number, RegExp][] = [
    ["duplicate_post.jsonl", 3, /duplicate post id "p1" \(first on line 1\)/],
    ["post_without_account.jsonl", 2, /missing field "account"/],
    ["post_numeric_account.jsonl", 1, /"account" to be a non-empty string/],
  ];
  for (const [name, line, word] of fixtures) {
    const path = new URL(name, BAD).pathname;
    await assertInputError(() => drain(readPosts(path)), {
      file: path,
      line,
      word,
    }, name);
  }
  await withDir(async (dir) => {
    const inline: [string, number, RegExp][] = [
      ['{"id": "p1", "author": "cats"}\n', 1, /missing field "post_id"/],
      [
        '{"post_id": "p1", "account": "cats"}\n{"post_id": "p2", "acc',
        2,
        /invalid JSON/,
      ],
      ['{"post_id": "p1", "account": "cats", "x": NaN}\n', 1, /invalid JSON/],
      ['["p1", "cats"]\n', 1, /JSON object/],
      [
        '{"post_id": "p1", "account": "cats", "features": [1]}\n',
        1,
        /"features"/,
      ],
      [
        '{"post_id": "p1", "account": "cats", "features": {"a": "x"}}\n',
        1,
        /feature "a"/,
      ],
      [
        '{"post_id": "p1", "account": "cats", "ts": "soon"}\n',
        1,
        /invalid timestamp/,
      ],
    ];
    for (const [i, [text, line, word]] of inline.entries()) {
      const path = `${dir}/case${i}.jsonl`;
      await Deno.writeTextFile(path, text);
      await assertInputError(() => drain(readPosts(path)), {
        file: path,
        line,
        word,
      }, JSON.stringify(text));
    }
  });
});

Deno.test("readPosts() rejects a feature that overflows to Infinity", async () => {
  // 1e999 parses to Infinity; featureValue() accepts any number, so the
  // post carries features.appeal = Infinity into the scorer.
  await assertInputError(
    () =>
      drain(readPosts(
        { text: '{"post_id": "p1", "account": "cats", "appeal": 1e999}\n' },
        { name: "posts.jsonl" },
      )),
    { file: "posts.jsonl", line: 1, word: /appeal/ },
    "1e999",
  );
});

Deno.test("readInteractions() names file, line and problem of broken interactions", async () => {
  const fixtures: [string, number, RegExp][] = [
    [
      "interaction_bad_flag.jsonl",
      2,
      /"liked" to be true, false, 1 or 0, got "yes"/,
    ],
    ["interactions_missing_column.csv", 1, /missing column "hidden"/],
    ["interactions_missing_field.csv", 3, /expected 5 fields, got 4/],
    ["interactions_bad_timestamp.csv", 2, /invalid timestamp "soon"/],
  ];
  for (const [name, line, word] of fixtures) {
    const path = new URL(name, BAD).pathname;
    await assertInputError(() => drain(readInteractions(path)), {
      file: path,
      line,
      word,
    }, name);
  }
  await withDir(async (dir) => {
    const inline: [string, string, number, RegExp][] = [
      ["csv", "usr,post,liked,saved,hidden\n", 1, /missing column "user"/],
      [
        "csv",
        "user,post_id,liked,saved,hidden\nu1,p1,1,0",
        2,
        /expected 5 fields, got 4/,
      ],
      ["csv", "user,post_id,liked,saved,hidden\nu1,p1,2,0,0\n", 2, /"liked"/],
      ["csv", "user,post_id,liked,saved,hidden\n,p1,1,0,0\n", 2, /empty user/],
      [
        "csv",
        'user,post_id,liked,saved,hidden\nu1,"p1,1,0,0\n',
        2,
        /unterminated/,
      ],
      [
        "jsonl",
        '{"user": "u1", "post_id": "p1", "liked": 1, "saved": 0}\n',
        1,
        /missing field "hidden"/,
      ],
      [
        "jsonl",
        '{"user": "u1", "post_id": "p1", "liked": NaN, "saved": 0, "hidden": 0}\n',
        1,
        /invalid JSON/,
      ],
      [
        "jsonl",
        '{"user": "u1", "post_id": "p1", "liked": 1, "saved": 0, "hid',
        1,
        /invalid JSON/,
      ],
    ];
    for (const [i, [ext, text, line, word]] of inline.entries()) {
      const path = `${dir}/case${i}.${ext}`;
      await Deno.writeTextFile(path, text);
      await assertInputError(() => drain(readInteractions(path)), {
        file: path,
        line,
        word,
      }, JSON.stringify(text));
    }
  });
});

// ---------------------------------------------------------------------------
// Model files

/** CRC-32 (IEEE), bit by bit: an independent check of the native trailer. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) {
      crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Rewrites the trailing CRC so that only the intended damage remains. */
function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const body = out.subarray(0, out.length - 4);
  new DataView(out.buffer).setUint32(out.length - 4, crc32(body), true);
  return out;
}

function sampleModel(): Model {
  return new Model({
    vocab: new Vocabulary(["cats", "dogs", "birds"], [3, 2, 1]),
    dim: 2,
    input: Float32Array.of(1, 2, 3, 4, 5, 6),
    output: Float32Array.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5),
  });
}

/** Byte offset of the input matrix of a native file. */
function nativeInputOffset(bytes: Uint8Array, model: Model): number {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(
    12,
    true,
  );
  let at = 16 + headerLength;
  for (const word of model.vocab.words) {
    at += 4 + encoder.encode(word).length + 8;
  }
  return Math.ceil(at / 4) * 4;
}

/** Replaces `from` by `to` (same length) in the native JSON header. */
function patchHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const text = new TextDecoder("latin1").decode(bytes);
  const at = text.indexOf(from);
  assert.ok(at > 0, from);
  const out = bytes.slice();
  out.set(encoder.encode(to), at);
  return reseal(out);
}

Deno.test("the independent CRC-32 agrees with the native trailer, so resealed files differ only where damaged", () => {
  const bytes = encodeModel(sampleModel());
  assert.deepEqual(reseal(bytes), bytes);
});

Deno.test("decodeModel() names the offset and problem of a broken native file", async () => {
  const model = sampleModel();
  const bytes = encodeModel(model);
  const inputAt = nativeInputOffset(bytes, model);
  const nan = bytes.slice();
  new DataView(nan.buffer).setFloat32(inputAt + 3 * 4, NaN, true);
  const inf = bytes.slice();
  new DataView(inf.buffer).setFloat32(inputAt + 4 * 4, -Infinity, true);
  const cases: [string, Uint8Array, number | undefined, RegExp][] = [
    [
      "NaN in the input matrix",
      reseal(nan),
      inputAt + 12,
      /"dogs" has NaN at component 1/,
    ],
    [
      "-Infinity in the input matrix",
      reseal(inf),
      inputAt + 16,
      /"birds" has -Infinity/,
    ],
    [
      "a header claiming more rows",
      patchHeader(bytes, '"size":3', '"size":5'),
      undefined,
      /truncated/,
    ],
    [
      "a header claiming a larger dim",
      patchHeader(bytes, '"dim":2', '"dim":3'),
      undefined,
      /truncated/,
    ],
    [
      "a header claiming a smaller dim",
      patchHeader(bytes, '"dim":2', '"dim":1'),
      undefined,
      /unexpected data/,
    ],
    ["a non-JSON header", patchHeader(bytes, '{"dim"', '{"dim '), 16, /header/],
    [
      "a cut inside the vocabulary",
      bytes.subarray(0, inputAt - 10),
      inputAt - 10,
      /truncated/,
    ],
    [
      "a cut inside the matrices",
      bytes.subarray(0, inputAt + 7),
      inputAt + 7,
      /truncated/,
    ],
    [
      "a missing checksum byte",
      bytes.subarray(0, bytes.length - 1),
      bytes.length - 1,
      /truncated/,
    ],
  ];
  for (const [label, damaged, offset, word] of cases) {
    const run = () => decodeModel(damaged, { name: "m.e2v" });
    if (offset !== undefined) {
      await assertInputError(run, { file: "m.e2v", offset, word }, label);
      continue;
    }
    // Where a size mismatch is reported is the reader's choice; it must
    // still be one InputError at a byte offset inside the file.
    const error = await catchError(run);
    assert.ok(error instanceof InputError, `${label}: ${error}`);
    assert.equal(error.file, "m.e2v", label);
    assert.match(error.problem, word, label);
    assert.ok(
      error.offset !== undefined && error.offset >= 0 &&
        error.offset <= damaged.length,
      `${label}: offset ${error.offset}`,
    );
  }
  // A flipped bit inside the matrices is caught by the checksum.
  const flipped = bytes.slice();
  flipped[inputAt + 1]! ^= 0x10;
  await assertInputError(() => decodeModel(flipped, { name: "m.e2v" }), {
    file: "m.e2v",
    offset: bytes.length - 4,
    word: /checksum/,
  }, "flipped bit");
});

Deno.test("loadModel() names file, line and problem of broken word2vec text", async () => {
  const fixtures: [string, number, RegExp][] = [
    ["nan_value.txt", 2, /NaN/],
    ["not_a_number.txt", 3, /not a number/],
    ["short_rows.txt", 4, /header claims 3 rows but the file ends after 2/],
    ["wrong_count.txt", 3, /expected 2 values .* got 3/],
    ["duplicate.txt", 4, /duplicate account "a"/],
  ];
  for (const [name, line, word] of fixtures) {
    const path = new URL(name, MODELS).pathname;
    await assertInputError(
      () => loadModel(path),
      { file: path, line, word },
      name,
    );
  }
  await withDir(async (dir) => {
    const inline: [string, number, RegExp][] = [
      ["2 2\na 1 2\nb inf 4\n", 3, /infinite/],
      ["2 2\na 1 2\nb 3 -Infinity\n", 3, /infinite/],
      ["2 2\na 1 2\nb 3 1e39\n", 3, /infinite/],
      ["2 2\na 1 2\nb 3 NaN\n", 3, /NaN/],
      ["3 2\na 1 2\nb 3 4\nc 5 6\nd 7 8\n", 5, /more rows than the 3/],
      ["2 3\na 1 2 3\nb 3 4\n", 3, /expected 3 values .* got 2/],
      ["2 2\na 1 2\nb 3", 3, /expected 2 values .* got 1/],
      ["2 2\na 1 2\n\nb 3 4\n", 3, /empty line/],
      ["2 x\na 1 2\n", 1, /header line/],
      ["0 0\n", 1, /dimension/],
      ["99999 2\na 1 2\n", 1, /header claims 99999 rows/],
    ];
    for (const [i, [text, line, word]] of inline.entries()) {
      const path = `${dir}/case${i}.txt`;
      await Deno.writeTextFile(path, text);
      await assertInputError(
        () => loadModel(path, { format: "word2vec-text" }),
        {
          file: path,
          line,
          word,
        },
        JSON.stringify(text),
      );
    }
    const utf8 = `${dir}/utf8.txt`;
    await Deno.writeFile(
      utf8,
      new Uint8Array([...encoder.encode("2 1\na 1\n"), 0xff, 0x20, 0x31, 0x0a]),
    );
    await assertInputError(() => loadModel(utf8, { format: "word2vec-text" }), {
      file: utf8,
      line: 3,
      word: /UTF-8/,
    }, "invalid UTF-8 id");
  });
});

Deno.test("loadModel() reads a 10 MB word2vec text row, and names its line when the header's dim disagrees", async () => {
  await withDir(async (dir) => {
    const dim = 2_000_000;
    const row = "cats" + " 0.25".repeat(dim);
    assert.ok(row.length >= 10_000_000);
    const good = `${dir}/wide.txt`;
    await Deno.writeTextFile(
      good,
      `2 ${dim}\n${row}\ndogs${" -1".repeat(dim)}\n`,
    );
    const model = await loadModel(good);
    assert.equal(model.dim, dim);
    assert.deepEqual(model.vocab.words, ["cats", "dogs"]);
    assert.equal(model.input[dim - 1], 0.25);
    assert.equal(model.input[2 * dim - 1], -1);
    const bad = `${dir}/narrow.txt`;
    await Deno.writeTextFile(bad, `1 3\n${row}\n`);
    await assertInputError(() => loadModel(bad, { format: "word2vec-text" }), {
      file: bad,
      line: 2,
      word: /expected 3 values/,
    }, "10 MB row, dim 3");
  });
});

Deno.test("decodeModel() names the offset and problem of broken word2vec binary", async () => {
  const bytes = encodeModel(sampleModel(), "word2vec-binary");
  // "3 2\n" then "cats " at 4, its vector at 9.
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 9)), "3 2\ncats ");
  const nan = bytes.slice();
  new DataView(nan.buffer).setFloat32(9 + 4, NaN, true);
  const more = new Uint8Array([
    ...encoder.encode("7 2\n"),
    ...bytes.subarray(4),
  ]);
  const wider = new Uint8Array([
    ...encoder.encode("3 3\n"),
    ...bytes.subarray(4),
  ]);
  const narrower = new Uint8Array([
    ...encoder.encode("3 1\n"),
    ...bytes.subarray(4),
  ]);
  const badId = bytes.slice();
  badId[5] = 0xff; // "c\xffts"
  const cases: [string, Uint8Array, number, RegExp][] = [
    ["NaN in a vector", nan, 13, /"cats" has NaN at component 1/],
    ["a header claiming more rows", more, 0, /truncated: header claims 7 rows/],
    ["an invalid UTF-8 id", badId, 4, /UTF-8/],
    [
      // Rows of 4 + 1 + 8 + 1 bytes for "cats" and "dogs" after the 4-byte
      // header, then "birds " whose vector starts at 4 + 14 + 14 + 6 = 38.
      "a cut inside the last vector",
      bytes.subarray(0, bytes.length - 3),
      38,
      /truncated: the vector of "birds"/,
    ],
  ];
  for (const [label, damaged, offset, word] of cases) {
    await assertInputError(
      () => decodeModel(damaged, { name: "v.bin", format: "word2vec-binary" }),
      { file: "v.bin", offset, word },
      label,
    );
  }
  // With another dim the rows are misread; where that shows is the
  // reader's choice, but it must be an InputError at an offset, never a
  // model.
  for (const [label, damaged] of [["dim 3", wider], ["dim 1", narrower]]) {
    const error = await catchError(() =>
      decodeModel(damaged as Uint8Array, {
        name: "v.bin",
        format: "word2vec-binary",
      })
    );
    assert.ok(
      error instanceof InputError && error.offset !== undefined &&
        error.file === "v.bin",
      `${label}: ${error}`,
    );
  }
  const truncated = new URL("truncated.bin", MODELS).pathname;
  const fileError = await catchError(() => loadModel(truncated));
  assert.ok(fileError instanceof InputError, String(fileError));
  assert.equal(fileError.file, truncated);
  assert.ok(fileError.offset !== undefined);
  assert.match(fileError.problem, /truncated/);
});
