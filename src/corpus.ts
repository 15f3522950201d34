/**
 * The corpus: every session as dense vocabulary ids in one flat buffer.
 *
 * One pass over the sessions gives each new account a provisional id on first
 * sight, appends provisional ids to a growable `Int32Array` (capacity
 * doubling, no per-session arrays kept) and counts them. At the end the
 * {@linkcode Vocabulary} is built in its deterministic order (count
 * descending, then account id), the ids are remapped in place, and tokens
 * dropped by `minCount` / `maxVocab` are compacted away. Sessions keep their
 * boundaries, so a session may end up short or empty.
 *
 * Reference: the vocabulary pass of word2vec (Mikolov et al., 2013,
 * `LearnVocabFromTrainFile`), which reads the training file twice; here the
 * ids are kept from the first pass instead, trading `4` bytes per token for
 * the second read.
 *
 * @module
 */

import { readByteBlocks, type ReadLinesOptions } from "./_lines.ts";
import type { LineSource } from "./_lines.ts";
import type { Session } from "./records.ts";
import {
  ArenaIdStore,
  HeapIdStore,
  type IdStore,
  registerCorpusMemory,
} from "./_corpus_memory.ts";
import { Vocabulary } from "./vocab.ts";

const INITIAL_TOKENS = 1 << 16;
const INITIAL_SESSIONS = 1 << 10;
const INITIAL_WORDS = 1 << 10;
const INITIAL_SLOTS = 1 << 11;
const INITIAL_ARENA = 1 << 14;
/** FNV-1a 32-bit offset basis and prime (Fowler, Noll, Vo). */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Sessions as ids: session `s` is `ids[offsets[s] .. offsets[s + 1])`, and
 * `offsets.length` is the number of sessions plus one.
 *
 * @example Read session 1 back as account ids
 * ```ts
 * import { buildCorpusSync, type Corpus } from "./corpus.ts";
 * import assert from "node:assert/strict";
 *
 * const built = buildCorpusSync([["cats", "dogs"], ["dogs", "birds", "cats"]]);
 * const corpus: Corpus = built.corpus;
 * const ids = corpus.ids.subarray(corpus.offsets[1], corpus.offsets[2]);
 * assert.deepEqual([...ids].map((id) => built.vocab.word(id)), ["dogs", "birds", "cats"]);
 * ```
 */
export interface Corpus {
  /** Vocabulary ids of all sessions, one after another. */
  ids: Int32Array;
  /** Start of each session in `ids`, then `ids.length`. */
  offsets: Int32Array;
}

/**
 * Options of {@linkcode buildCorpus}, {@linkcode buildCorpusSync} and
 * {@linkcode buildCorpusFromText}.
 *
 * @example Encode test sessions with the training vocabulary
 * ```ts
 * import { type BuildCorpusOptions, buildCorpusSync } from "./corpus.ts";
 * import assert from "node:assert/strict";
 *
 * const train = buildCorpusSync([["a", "b", "a"], ["b", "c"]], { maxVocab: 2 });
 * assert.deepEqual(train.vocab.words, ["a", "b"]);
 * const options: BuildCorpusOptions = { vocab: train.vocab };
 * const test = buildCorpusSync([["c", "b", "z", "a"]], options);
 * assert.deepEqual([...test.corpus.ids], [1, 0]);
 * assert.equal(test.tokensRead, 4);
 * ```
 */
export interface BuildCorpusOptions {
  /** Drop accounts seen fewer times than this. Default `1`. */
  minCount?: number;
  /** Keep at most this many accounts (the most frequent). Default unlimited. */
  maxVocab?: number;
  /**
   * Encode against this vocabulary instead of building one: accounts not in
   * it are dropped, and `minCount` / `maxVocab` are ignored. Default: none,
   * build the vocabulary from the sessions.
   */
  vocab?: Vocabulary;
  /**
   * Keep the ids in WebAssembly memory (`"plain"`, or `"shared"` for
   * multi-threaded training) instead of the JavaScript heap: the memory grows
   * in place as sessions arrive and training then uses it without a copy, so
   * the corpus costs 4 bytes per token at the peak. The returned `ids` view is
   * valid until training starts; the trained model keeps that memory alive.
   * Default: the JavaScript heap.
   */
  kernelMemory?: "plain" | "shared";
}

/**
 * The result of {@linkcode buildCorpus}.
 *
 * @example
 * ```ts
 * import { buildCorpusSync, type BuiltCorpus } from "./corpus.ts";
 * import assert from "node:assert/strict";
 *
 * const built: BuiltCorpus = buildCorpusSync([["a", "b"], [], ["a", "rare"]], { minCount: 2 });
 * assert.deepEqual(built.vocab.words, ["a"]);
 * assert.equal(built.sessionsRead, 3);
 * assert.equal(built.tokensRead, 4);
 * assert.equal(built.corpus.ids.length, 2);
 * ```
 */
export interface BuiltCorpus {
  /** The vocabulary the ids refer to. */
  vocab: Vocabulary;
  /** The sessions as ids. */
  corpus: Corpus;
  /** Account tokens read, before any were dropped. */
  tokensRead: number;
  /** Sessions read, empty ones included. */
  sessionsRead: number;
}

/**
 * Builds the vocabulary and the corpus from sessions in one pass.
 *
 * @param sessions Sessions, for example from `readSessions`, or plain arrays
 *   of account ids.
 * @param options Minimum count, maximum vocabulary size, or a fixed vocabulary.
 * @returns The vocabulary, the corpus and what was read.
 *
 * @example
 * ```ts
 * import { buildCorpus } from "./corpus.ts";
 * import assert from "node:assert/strict";
 *
 * const { vocab, corpus } = await buildCorpus([
 *   { accounts: ["cats", "dogs", "cats"] },
 *   { accounts: ["dogs", "birds"] },
 * ], { minCount: 2 });
 * assert.deepEqual(vocab.words, ["cats", "dogs"]);
 * assert.deepEqual([...corpus.ids], [0, 1, 0, 1]);
 * assert.deepEqual([...corpus.offsets], [0, 3, 4]);
 * ```
 */
export async function buildCorpus(
  sessions:
    | AsyncIterable<Session | readonly string[]>
    | Iterable<Session | readonly string[]>,
  options: BuildCorpusOptions = {},
): Promise<BuiltCorpus> {
  const builder = new CorpusBuilder(options);
  const dictionary = new StringDictionary();
  for await (const session of sessions) {
    builder.addSession(dictionary, accountsOf(session));
  }
  return builder.finish(dictionary.words);
}

/**
 * Builds the vocabulary and the corpus from in-memory sessions, synchronously.
 *
 * @param sessions Sessions, or plain arrays of account ids.
 * @param options Minimum count, maximum vocabulary size, or a fixed vocabulary.
 * @returns The vocabulary, the corpus and what was read.
 *
 * @example
 * ```ts
 * import { buildCorpusSync } from "./corpus.ts";
 * import assert from "node:assert/strict";
 *
 * const { vocab, corpus, tokensRead } = buildCorpusSync([["a", "b"], ["b"]]);
 * assert.deepEqual(vocab.words, ["b", "a"]);
 * assert.deepEqual([...corpus.ids], [1, 0, 0]);
 * assert.equal(tokensRead, 3);
 * ```
 */
export function buildCorpusSync(
  sessions: Iterable<Session | readonly string[]>,
  options: BuildCorpusOptions = {},
): BuiltCorpus {
  const builder = new CorpusBuilder(options);
  const dictionary = new StringDictionary();
  for (const session of sessions) {
    builder.addSession(dictionary, accountsOf(session));
  }
  return builder.finish(dictionary.words);
}

/**
 * Builds the vocabulary and the corpus straight from a text-format sessions
 * input (one session per line, account ids separated by ASCII whitespace),
 * without creating a session object or an array per line. Empty lines are
 * empty sessions. This is the fast path for training on text files.
 *
 * @param source A path, file URL, byte stream, bytes, or `{ text }`.
 * @param options Corpus options, plus the line reader's `name` and
 *   `maxLineLength`.
 * @returns The vocabulary, the corpus and what was read.
 *
 * @example
 * ```ts
 * import { buildCorpusFromText } from "./corpus.ts";
 * import assert from "node:assert/strict";
 *
 * const { vocab, corpus, sessionsRead } = await buildCorpusFromText({
 *   text: "a b\r\n\nb\tc  b\n",
 * });
 * assert.deepEqual(vocab.words, ["b", "a", "c"]);
 * assert.deepEqual([...corpus.ids], [1, 0, 0, 2, 0]);
 * assert.deepEqual([...corpus.offsets], [0, 2, 2, 5]);
 * assert.equal(sessionsRead, 3);
 * ```
 */
export async function buildCorpusFromText(
  source: LineSource,
  options: BuildCorpusOptions & ReadLinesOptions = {},
): Promise<BuiltCorpus> {
  const builder = new CorpusBuilder(options);
  const dictionary = new ByteDictionary();
  const blocks = readByteBlocks(source, { ...options, decode: false });
  for await (const block of blocks) {
    builder.addTextBlock(dictionary, block.bytes, block.lineCount);
  }
  return builder.finish(dictionary.words());
}

function accountsOf(session: Session | readonly string[]): readonly string[] {
  return Array.isArray(session)
    ? session as readonly string[]
    : (session as Session)?.accounts;
}

/** Provisional ids for account strings, in order of first sight. */
class StringDictionary {
  readonly words: string[] = [];
  #index = new Map<string, number>();

  id(account: string): number {
    let id = this.#index.get(account);
    if (id === undefined) {
      id = this.words.length;
      this.#index.set(account, id);
      this.words.push(account);
    }
    return id;
  }
}

/**
 * Provisional ids for account ids given as UTF-8 byte ranges, in order of
 * first sight: an open-addressing hash table (FNV-1a, linear probing) over a
 * byte arena, so no string is created per token. Each distinct id is decoded
 * once, at the end.
 */
class ByteDictionary {
  #slots = new Int32Array(INITIAL_SLOTS);
  #mask = INITIAL_SLOTS - 1;
  #size = 0;
  #hashes = new Int32Array(INITIAL_WORDS);
  #starts = new Int32Array(INITIAL_WORDS);
  #lengths = new Int32Array(INITIAL_WORDS);
  #arena = new Uint8Array(INITIAL_ARENA);
  #arenaUsed = 0;

  /** The provisional id of `bytes[start .. end)` whose hash is `hash`. */
  id(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.#slots;
    const mask = this.#mask;
    let slot = hash & mask;
    while (true) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      const id = entry - 1;
      if (
        this.#hashes[id] === hash && this.#lengths[id] === length &&
        this.#equal(id, bytes, start, length)
      ) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.#size++;
    slots[slot] = id + 1;
    if (id === this.#hashes.length) {
      this.#hashes = grow(this.#hashes);
      this.#starts = grow(this.#starts);
      this.#lengths = grow(this.#lengths);
    }
    this.#hashes[id] = hash;
    this.#lengths[id] = length;
    // Words are stored separated by a newline byte, which no id contains.
    while (this.#arenaUsed + length + 1 > this.#arena.length) {
      const bigger = new Uint8Array(this.#arena.length * 2);
      bigger.set(this.#arena);
      this.#arena = bigger;
    }
    this.#starts[id] = this.#arenaUsed;
    this.#arena.set(bytes.subarray(start, end), this.#arenaUsed);
    this.#arenaUsed += length;
    this.#arena[this.#arenaUsed++] = NEWLINE;
    if (this.#size * 2 > slots.length) this.#rehash();
    return id;
  }

  /** All ids seen, decoded, by provisional id. */
  words(): string[] {
    if (this.#size === 0) return [];
    const text = new TextDecoder().decode(
      this.#arena.subarray(0, this.#arenaUsed - 1),
    );
    return text.split("\n");
  }

  #equal(id: number, bytes: Uint8Array, start: number, length: number) {
    const arena = this.#arena;
    const at = this.#starts[id]!;
    for (let i = 0; i < length; i++) {
      if (arena[at + i] !== bytes[start + i]) return false;
    }
    return true;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.#size; id++) {
      let slot = this.#hashes[id]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** Accumulates provisional ids, counts and session ends; one per build. */
class CorpusBuilder {
  #store: IdStore;
  #ids: Int32Array;
  #tokens = 0;
  #offsets = new Int32Array(INITIAL_SESSIONS);
  #sessions = 0;
  #counts = new Int32Array(INITIAL_WORDS);
  #fixed: Vocabulary | undefined;
  #minCount: number;
  #maxVocab: number;

  constructor(options: BuildCorpusOptions) {
    const kernelMemory = options.kernelMemory;
    if (
      kernelMemory !== undefined && kernelMemory !== "plain" &&
      kernelMemory !== "shared"
    ) {
      throw new RangeError(
        `Cannot build corpus: kernelMemory must be "plain" or "shared", got ${kernelMemory}`,
      );
    }
    this.#store = kernelMemory === undefined
      ? new HeapIdStore(INITIAL_TOKENS)
      : new ArenaIdStore(kernelMemory === "shared");
    this.#ids = this.#store.reserve(INITIAL_TOKENS);
    this.#fixed = options.vocab;
    this.#minCount = options.minCount ?? 1;
    this.#maxVocab = options.maxVocab ?? Infinity;
    if (!(this.#minCount >= 0)) {
      throw new RangeError(
        `Cannot build corpus: minCount must be >= 0, got ${this.#minCount}`,
      );
    }
    if (!(this.#maxVocab >= 0)) {
      throw new RangeError(
        `Cannot build corpus: maxVocab must be >= 0, got ${this.#maxVocab}`,
      );
    }
  }

  addSession(dictionary: StringDictionary, accounts: readonly string[]): void {
    if (!Array.isArray(accounts)) {
      throw new TypeError(
        `Cannot build corpus: session ${this.#sessions} has no accounts array, got ${typeof accounts}`,
      );
    }
    for (let i = 0; i < accounts.length; i++) {
      const account = accounts[i];
      if (typeof account !== "string") {
        throw new TypeError(
          `Cannot build corpus: session ${this.#sessions} has a ${typeof account} account id at ${i}`,
        );
      }
      this.#push(dictionary.id(account));
    }
    this.#endSession();
  }

  /**
   * Adds complete lines of UTF-8 text, one session per line, ids separated
   * by ASCII whitespace.
   */
  addTextBlock(
    dictionary: ByteDictionary,
    bytes: Uint8Array,
    lineCount: number,
  ): void {
    const n = bytes.length;
    // A block of n bytes holds at most n / 2 + 1 ids, so capacity is
    // ensured once and the loop works on locals.
    const maxTokens = this.#tokens + (n >>> 1) + 1;
    if (this.#ids.length < maxTokens) {
      this.#ids = this.#store.reserve(maxTokens);
    }
    while (this.#offsets.length < this.#sessions + lineCount + 2) {
      this.#offsets = grow(this.#offsets);
    }
    const ids = this.#ids;
    const offsets = this.#offsets;
    let counts = this.#counts;
    let tokens = this.#tokens;
    let sessions = this.#sessions;
    let start = -1;
    let hash = FNV_OFFSET;
    let pendingLine = false;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? bytes[i]! : NEWLINE;
      if (c > SPACE || c < TAB || (c > CARRIAGE_RETURN && c < SPACE)) {
        // Bytes other than ASCII whitespace belong to an id.
        if (start < 0) {
          start = i;
          hash = FNV_OFFSET;
        }
        hash = Math.imul(hash ^ c, FNV_PRIME);
        continue;
      }
      if (start >= 0) {
        const id = dictionary.id(bytes, start, i, hash);
        if (id === counts.length) counts = this.#counts = grow(counts);
        counts[id]!++;
        ids[tokens++] = id;
        start = -1;
        pendingLine = true;
      }
      if (c === NEWLINE) {
        // The virtual newline after the block ends a last unterminated line.
        if (i < n || pendingLine) offsets[++sessions] = tokens;
        pendingLine = false;
      } else pendingLine = true;
    }
    this.#tokens = tokens;
    this.#sessions = sessions;
  }

  #push(id: number): void {
    if (id === this.#counts.length) this.#counts = grow(this.#counts);
    this.#counts[id]!++;
    if (this.#tokens === this.#ids.length) {
      this.#ids = this.#store.reserve(this.#tokens + 1);
    }
    this.#ids[this.#tokens++] = id;
  }

  #endSession(): void {
    this.#sessions++;
    if (this.#sessions === this.#offsets.length) {
      this.#offsets = grow(this.#offsets);
    }
    this.#offsets[this.#sessions] = this.#tokens;
  }

  /** Builds the vocabulary, remaps and compacts; `words` by provisional id. */
  finish(words: readonly string[]): BuiltCorpus {
    const tokensRead = this.#tokens;
    const sessionsRead = this.#sessions;
    const offsets = this.#offsets.subarray(0, sessionsRead + 1);
    const counts = this.#counts;
    let vocab = this.#fixed;
    if (vocab === undefined) {
      vocab = orderVocabulary(words, counts, this.#minCount, this.#maxVocab);
    }
    // Provisional id -> final id, or -1 when dropped.
    const remap = new Int32Array(words.length).fill(-1);
    let kept = 0;
    for (let i = 0; i < words.length; i++) {
      const final = vocab.index(words[i]!);
      if (final !== undefined) {
        remap[i] = final;
        kept++;
      }
    }
    const ids = this.#ids;
    let out = 0;
    if (kept === words.length) {
      for (; out < tokensRead; out++) ids[out] = remap[ids[out]!]!;
    } else {
      let read = 0;
      for (let s = 0; s < sessionsRead; s++) {
        const end = offsets[s + 1]!;
        offsets[s] = out;
        for (; read < end; read++) {
          const id = remap[ids[read]!]!;
          if (id >= 0) ids[out++] = id;
        }
      }
      offsets[sessionsRead] = out;
    }
    const store = this.#store;
    let corpusIds = ids.subarray(0, out);
    if (store instanceof ArenaIdStore) {
      store.trim(out);
      corpusIds = store.arena.i32(store.ptr, out);
    }
    const corpus = { ids: corpusIds, offsets };
    if (store instanceof ArenaIdStore) {
      registerCorpusMemory(corpus, { arena: store.arena, ids: store.ptr });
    }
    return { vocab, corpus, tokensRead, sessionsRead };
  }
}

/**
 * The vocabulary in the order of `Vocabulary.fromCounts` (count descending,
 * then id by UTF-16 code units), faster: words are bucketed by count and each
 * bucket sorted with the engine's native string sort, which uses that order.
 */
function orderVocabulary(
  words: readonly string[],
  counts: Int32Array,
  minCount: number,
  maxVocab: number,
): Vocabulary {
  const buckets = new Map<number, string[]>();
  for (let i = 0; i < words.length; i++) {
    const count = counts[i]!;
    if (count < minCount) continue;
    const bucket = buckets.get(count);
    if (bucket === undefined) buckets.set(count, [words[i]!]);
    else bucket.push(words[i]!);
  }
  const order = [...buckets.keys()].sort(descending);
  const sorted: string[] = [];
  const sortedCounts: number[] = [];
  for (const count of order) {
    if (sorted.length >= maxVocab) break;
    const bucket = buckets.get(count)!.sort();
    for (let i = 0; i < bucket.length && sorted.length < maxVocab; i++) {
      sorted.push(bucket[i]!);
      sortedCounts.push(count);
    }
  }
  return new Vocabulary(sorted, sortedCounts);
}

function descending(a: number, b: number): number {
  return b - a;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
