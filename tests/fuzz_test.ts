/**
 * Seeded mutation fuzzing of every reader and of decodeModel.
 *
 * Valid inputs are damaged by byte flips, truncation, duplicated lines and
 * inserted quotes, commas, braces, NUL and invalid UTF-8; each case must
 * either read, with the reader's invariants holding, or throw an InputError.
 * Any other error type, or a result breaking an invariant, fails with the
 * case's seed and mutations, so it can be replayed with `replay(seed)`.
 * Text readers are also fed the same bytes as a stream of small random
 * chunks, which must give the same result as one chunk.
 */

import assert from "node:assert/strict";
import { InputError } from "../src/errors.ts";
import { Prng } from "../src/prng.ts";
import { readSessions } from "../src/read_sessions.ts";
import { readPosts } from "../src/read_posts.ts";
import { readInteractions } from "../src/read_interactions.ts";
import { buildCorpusFromText } from "../src/corpus.ts";
import { decodeModel, encodeModel } from "../src/model_io.ts";
import { Model } from "../src/model.ts";
import { Vocabulary } from "../src/vocab.ts";
import type { LineSource } from "../src/_lines.ts";

/** Cases per reader; `E2V_FUZZ_CASES` raises it for a longer local run. */
const CASES = Number(Deno.env.get("E2V_FUZZ_CASES") ?? 300);
const BASE_SEED = 20240601;
const encoder = new TextEncoder();

/** Bytes worth inserting: syntax of the formats, NUL, broken UTF-8. */
const INSERTS: readonly number[][] = [
  [0x22], // "
  [0x2c], // ,
  [0x7b], // {
  [0x7d], // }
  [0x5b], // [
  [0x5d], // ]
  [0x3a], // :
  [0x00], // NUL
  [0xff], // never valid in UTF-8
  [0xc3], // a lead byte alone
  [0xe2, 0x82], // a cut three-byte sequence
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0x0a], // newline
  [0x0d], // carriage return
  [0x20], // space
  [0x5c], // backslash
  [0x2d], // -
  [0x65], // e
  [0x39, 0x39, 0x39], // 999
];

/** Applies 1 to 3 random mutations; returns the bytes and what was done. */
function mutate(
  input: Uint8Array,
  prng: Prng,
): { bytes: Uint8Array; steps: string[] } {
  let bytes: Uint8Array = input.slice();
  const steps: string[] = [];
  const count = 1 + prng.int(3);
  for (let m = 0; m < count; m++) {
    const kind = prng.int(7);
    const at = prng.int(bytes.length + 1);
    if (kind === 0 && bytes.length > 0) {
      const i = Math.min(at, bytes.length - 1);
      const bit = prng.int(8);
      bytes[i]! ^= 1 << bit;
      steps.push(`flip bit ${bit} at ${i}`);
    } else if (kind === 1) {
      bytes = bytes.slice(0, at);
      steps.push(`truncate at ${at}`);
    } else if (kind === 2) {
      const lines = splitKeepingNewlines(bytes);
      if (lines.length === 0) continue;
      const line = prng.int(lines.length);
      lines.splice(line, 0, lines[line]!);
      bytes = concat(lines);
      steps.push(`duplicate line ${line + 1}`);
    } else if (kind === 3 || kind === 4) {
      const insert = INSERTS[prng.int(INSERTS.length)]!;
      bytes = concat([
        bytes.subarray(0, at),
        Uint8Array.from(insert),
        bytes.subarray(at),
      ]);
      steps.push(`insert [${insert}] at ${at}`);
    } else if (kind === 5) {
      const length = 1 + prng.int(8);
      bytes = concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
      steps.push(`delete ${length} at ${at}`);
    } else if (bytes.length > 0) {
      const i = Math.min(at, bytes.length - 1);
      const value = prng.int(256);
      bytes[i] = value;
      steps.push(`set ${i} to ${value}`);
    }
  }
  return { bytes, steps };
}

function splitKeepingNewlines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    end = end < 0 ? bytes.length : end + 1;
    lines.push(bytes.subarray(start, end));
    start = end;
  }
  return lines;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The bytes as a stream of chunks of 1 to 16 bytes. */
function chunked(bytes: Uint8Array, prng: Prng): ReadableStream<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + prng.int(16);
    chunks.push(bytes.slice(at, at + n));
    at += n;
  }
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** What one reading gave: a value, or an InputError's message. */
type Outcome = { value: unknown } | { error: string };

/**
 * Runs `read`; an InputError becomes an outcome, anything else is thrown
 * with the case's description.
 */
async function attempt(
  read: () => Promise<unknown> | unknown,
  describe: () => string,
): Promise<Outcome> {
  try {
    return { value: await read() };
  } catch (error) {
    if (error instanceof InputError) {
      assert.ok(error.file !== "", `${describe()}: InputError without a file`);
      assert.ok(
        error.line !== undefined || error.offset !== undefined ||
          /empty file/.test(error.problem),
        `${describe()}: InputError without line or offset: ${error.message}`,
      );
      return { error: error.message };
    }
    throw new Error(
      `${describe()}: expected a result or an InputError, got ${
        error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error)
      }`,
    );
  }
}

interface Target {
  /** A valid input of the reader. */
  valid: Uint8Array;
  /** Reads a source fully. */
  read: (source: LineSource) => Promise<unknown>;
  /** Throws when a successful result breaks the reader's invariants. */
  check: (value: unknown) => void;
  /** Also compare a chunked stream with one chunk. */
  streams: boolean;
}

function text(s: string): Uint8Array {
  return encoder.encode(s);
}

function checkSessions(value: unknown): void {
  for (
    const session of value as {
      accounts: string[];
      ts?: number;
      user?: string;
    }[]
  ) {
    assert.ok(Array.isArray(session.accounts), "accounts is an array");
    for (const account of session.accounts) {
      assert.ok(
        typeof account === "string" && account !== "",
        `account ${JSON.stringify(account)}`,
      );
    }
    if (session.ts !== undefined) {
      assert.ok(Number.isFinite(session.ts), `ts ${session.ts}`);
    }
    if (session.user !== undefined) assert.equal(typeof session.user, "string");
  }
}

const TARGETS: Record<string, Target> = {
  "readSessions text": {
    valid: text("cats dogs birds\nfish cats\n\ndogs  dogs\tcats\r\nzoë ü\n"),
    read: (s) => drain(readSessions(s, { format: "text", name: "f" })),
    check: checkSessions,
    streams: true,
  },
  "buildCorpusFromText": {
    valid: text("cats dogs birds\nfish cats\n\ndogs  dogs\tcats\r\nzoë ü\n"),
    read: async (s) => {
      const built = await buildCorpusFromText(s, { name: "f" });
      return {
        words: built.vocab.words,
        counts: [...built.vocab.counts],
        ids: [...built.corpus.ids],
        offsets: [...built.corpus.offsets],
      };
    },
    check: (value) => {
      const { words, counts, ids, offsets } = value as {
        words: string[];
        counts: number[];
        ids: number[];
        offsets: number[];
      };
      assert.equal(new Set(words).size, words.length, "unique words");
      for (const w of words) {
        assert.ok(
          w !== "" && !/[ \t\n\r\v\f]/.test(w),
          `word ${JSON.stringify(w)}`,
        );
      }
      assert.equal(offsets[0], 0);
      assert.equal(offsets[offsets.length - 1], ids.length);
      for (let s = 1; s < offsets.length; s++) {
        assert.ok(offsets[s]! >= offsets[s - 1]!);
      }
      const tally = new Array(words.length).fill(0);
      for (const id of ids) {
        assert.ok(id >= 0 && id < words.length, `id ${id}`);
        tally[id]++;
      }
      assert.deepEqual(tally, counts, "counts match the ids");
    },
    streams: true,
  },
  "readSessions jsonl": {
    valid: text(
      '["cats", "dogs"]\n{"accounts": ["fish", "cats"], "user": "u1", "ts": 17}\n' +
        '{"accounts": [], "ts": "2024-05-01T10:00:00Z"}\n["zoë", "a\\"b"]\n',
    ),
    read: (s) => drain(readSessions(s, { format: "jsonl", name: "f" })),
    check: checkSessions,
    streams: true,
  },
  "readSessions csv": {
    valid: text(
      'user,account,ts\nu1,cats,20\nu2,dogs,5\nu1,"bi,rds",10\nu2,"say ""hi""",7\nu3,fish,2024-05-01\n',
    ),
    read: (s) =>
      drain(readSessions(s, { format: "csv", name: "f", gapSeconds: 9 })),
    check: checkSessions,
    streams: true,
  },
  "readPosts": {
    valid: text(
      '{"post_id": "p1", "account": "cats", "ts": 7, "appeal": 0.5, "is_video": true}\n' +
        '{"postId": "p2", "account": "dogs", "features": {"x": -1e3}}\n' +
        '{"post_id": "p3", "account": "zoë", "note": "ignored"}\n',
    ),
    read: (s) => drain(readPosts(s, { name: "f" })),
    check: (value) => {
      const posts = value as {
        postId: string;
        account: string;
        ts?: number;
        features?: Record<string, number>;
      }[];
      assert.equal(
        new Set(posts.map((p) => p.postId)).size,
        posts.length,
        "unique post ids",
      );
      for (const post of posts) {
        assert.ok(typeof post.postId === "string" && post.postId !== "");
        assert.ok(typeof post.account === "string" && post.account !== "");
        if (post.ts !== undefined) {
          assert.ok(Number.isFinite(post.ts), `ts ${post.ts}`);
        }
        for (const v of Object.values(post.features ?? {})) {
          assert.ok(Number.isFinite(v), `feature ${v}`);
        }
      }
    },
    streams: true,
  },
  "readInteractions jsonl": {
    valid: text(
      '{"user": "u1", "post_id": "p1", "liked": true, "saved": 0, "hidden": false, "ts": 3}\n' +
        '{"user_id": "u2", "postId": "p2", "liked": 0, "saved": 1, "hidden": 1}\n',
    ),
    read: (s) => drain(readInteractions(s, { format: "jsonl", name: "f" })),
    check: checkInteractions,
    streams: true,
  },
  "readInteractions csv": {
    valid: text(
      'user,post_id,liked,saved,hidden,ts\nu1,p1,1,0,false,3\nu2,"p,2",TRUE,0,1,\nu3,p3,0,0,0,2024-01-02\n',
    ),
    read: (s) => drain(readInteractions(s, { format: "csv", name: "f" })),
    check: checkInteractions,
    streams: true,
  },
};

function checkInteractions(value: unknown): void {
  for (const row of value as Record<string, unknown>[]) {
    assert.ok(typeof row.user === "string" && row.user !== "");
    assert.ok(typeof row.postId === "string" && row.postId !== "");
    for (const key of ["liked", "saved", "hidden"]) {
      assert.equal(typeof row[key], "boolean", key);
    }
    if (row.ts !== undefined) {
      assert.ok(Number.isFinite(row.ts), `ts ${row.ts}`);
    }
  }
}

function sampleModel(): Model {
  return new Model({
    vocab: new Vocabulary(["cats", "dogs", "zoë", "b2"], [9, 4, 2, 1]),
    dim: 3,
    input: Float32Array.of(0.5, -1, 2, 0.25, 3, -0.125, 1e-3, 7, 8, -2, 0, 1),
    output: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
    params: { window: 3, dim: 3, sampler: "hard", lr: 0.05 },
  });
}

function checkModel(model: Model): void {
  assert.ok(model instanceof Model);
  const size = model.vocab.size;
  assert.equal(model.vocab.words.length, size);
  assert.ok(Number.isInteger(model.dim) && model.dim >= 1, `dim ${model.dim}`);
  assert.equal(model.input.length, size * model.dim, "input length");
  if (model.output !== null) {
    assert.equal(model.output.length, size * model.dim, "output length");
  }
  assert.equal(new Set(model.vocab.words).size, size, "duplicate ids");
  for (const word of model.vocab.words) assert.ok(word !== "", "empty id");
  for (const v of model.input) {
    assert.ok(Number.isFinite(v), `input value ${v}`);
  }
  for (const v of model.output ?? []) {
    assert.ok(Number.isFinite(v), `output value ${v}`);
  }
  for (const c of model.vocab.counts) {
    assert.ok(Number.isFinite(c) && c >= 0, `count ${c}`);
  }
}

for (const [name, target] of Object.entries(TARGETS)) {
  Deno.test(`${name}: ${CASES} seeded mutations each read or throw InputError, and chunked streams agree`, async () => {
    // The valid input must read, or the mutations test nothing.
    const base = await attempt(
      () => target.read(target.valid),
      () => `${name} valid input`,
    );
    assert.ok(
      "value" in base,
      `${name}: valid input failed: ${JSON.stringify(base)}`,
    );
    target.check(base.value);
    let errors = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED + i;
      const prng = new Prng(seed);
      const { bytes, steps } = mutate(target.valid, prng);
      const describe = () => `${name}, seed ${seed} (${steps.join("; ")})`;
      const whole = await attempt(() => target.read(bytes), describe);
      if ("value" in whole) {
        try {
          target.check(whole.value);
        } catch (error) {
          throw new Error(`${describe()}: ${(error as Error).message}`);
        }
      } else errors++;
      if (target.streams) {
        const streamed = await attempt(
          () => target.read(chunked(bytes, prng)),
          () => `${describe()} as chunks`,
        );
        // Values must be equal. Errors must both be errors: which problem
        // is named first may differ, since a whole block is checked for
        // UTF-8 before its lines are parsed.
        if ("value" in whole) {
          assert.deepEqual(streamed, whole, `${describe()}: chunked differs`);
        } else {
          assert.ok(
            "error" in streamed,
            `${describe()}: chunked read succeeded, whole failed: ${whole.error}`,
          );
        }
      }
    }
    // Both outcomes must occur, or the mutations are too weak or too strong.
    assert.ok(
      errors > 0 && errors < CASES,
      `${name}: ${errors} of ${CASES} cases failed to read`,
    );
  });
}

for (const format of ["native", "word2vec-text", "word2vec-binary"] as const) {
  Deno.test(`decodeModel(): ${CASES} seeded mutations of a ${format} file each decode to a sound model or throw InputError`, async () => {
    const valid = encodeModel(sampleModel(), format);
    checkModel(decodeModel(valid));
    let errors = 0;
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED +
        1000 *
          (1 + ["native", "word2vec-text", "word2vec-binary"].indexOf(format)) +
        i;
      const prng = new Prng(seed);
      const { bytes, steps } = mutate(valid, prng);
      const describe = () =>
        `decodeModel ${format}, seed ${seed} (${steps.join("; ")})`;
      // Half the cases detect the format, half are told it.
      const options = i % 2 === 0 ? { name: "m" } : { name: "m", format };
      const outcome = await attempt(
        () => decodeModel(bytes, options),
        describe,
      );
      if ("value" in outcome) {
        try {
          checkModel(outcome.value as Model);
        } catch (error) {
          throw new Error(`${describe()}: ${(error as Error).message}`);
        }
      } else errors++;
    }
    assert.ok(errors > 0, `${format}: no mutation was rejected`);
  });
}
