/**
 * The vocabulary: account id strings ↔ dense integer indices, with counts.
 *
 * Order is deterministic: count descending, then account id ascending by
 * UTF-16 code units. Index 0 is the most frequent account. Lookups of unknown
 * accounts return `undefined` (see {@linkcode Vocabulary.index}); query
 * methods of a model throw a `RangeError` for them instead.
 *
 * @module
 */

/**
 * Options of {@linkcode Vocabulary.fromCounts}.
 *
 * @example The two most frequent accounts seen at least twice
 * ```ts
 * import { Vocabulary, type VocabularyOptions } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const counts = new Map([["cats", 9], ["dogs", 4], ["birds", 3], ["fish", 1]]);
 * const options: VocabularyOptions = { minCount: 2, maxVocab: 2 };
 * assert.deepEqual(Vocabulary.fromCounts(counts, options).words, ["cats", "dogs"]);
 * assert.equal(Vocabulary.fromCounts(counts).size, 4);
 * ```
 */
export interface VocabularyOptions {
  /** Drop accounts seen fewer times than this. Default `1`. */
  minCount?: number;
  /** Keep at most this many accounts (the most frequent). Default unlimited. */
  maxVocab?: number;
}

/**
 * Account ids in frequency order, with their counts.
 *
 * @example
 * ```ts
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = Vocabulary.fromCounts(new Map([["b", 2], ["a", 2], ["c", 5], ["d", 1]]), { minCount: 2 });
 * assert.deepEqual(vocab.words, ["c", "a", "b"]);
 * assert.equal(vocab.index("a"), 1);
 * assert.equal(vocab.index("d"), undefined);
 * assert.equal(vocab.count(0), 5);
 * ```
 */
export class Vocabulary {
  /** Account ids by index. */
  readonly words: readonly string[];
  /** Counts by index. */
  readonly counts: Float64Array;
  /** Sum of all counts. */
  readonly totalCount: number;
  #index: Map<string, number>;

  /**
   * Creates a vocabulary from words already in their final order.
   *
   * @param words Account ids, unique.
   * @param counts One count per word, non-negative.
   */
  constructor(words: readonly string[], counts: ArrayLike<number>) {
    if (words.length !== counts.length) {
      throw new TypeError(
        `Cannot create vocabulary: ${words.length} words but ${counts.length} counts`,
      );
    }
    this.words = words;
    this.counts = Float64Array.from(counts);
    this.#index = new Map();
    let total = 0;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (this.#index.has(word)) {
        throw new TypeError(
          `Cannot create vocabulary: duplicate account "${word}"`,
        );
      }
      const c = this.counts[i]!;
      if (!(c >= 0)) {
        throw new RangeError(
          `Cannot create vocabulary: count of "${word}" is ${c}`,
        );
      }
      this.#index.set(word, i);
      total += c;
    }
    this.totalCount = total;
  }

  /**
   * Builds a vocabulary from counts, in deterministic order.
   *
   * @param counts Count per account id.
   * @param options Minimum count and maximum size.
   * @returns The vocabulary.
   */
  static fromCounts(
    counts: Iterable<readonly [string, number]>,
    options: VocabularyOptions = {},
  ): Vocabulary {
    const minCount = options.minCount ?? 1;
    const maxVocab = options.maxVocab ?? Infinity;
    if (!(minCount >= 0)) {
      throw new RangeError(
        `Cannot build vocabulary: minCount must be >= 0, got ${minCount}`,
      );
    }
    if (!(maxVocab >= 0)) {
      throw new RangeError(
        `Cannot build vocabulary: maxVocab must be >= 0, got ${maxVocab}`,
      );
    }
    const entries: [string, number][] = [];
    for (const [word, count] of counts) {
      if (count >= minCount) entries.push([word, count]);
    }
    entries.sort(compareEntries);
    if (entries.length > maxVocab) entries.length = maxVocab;
    return new Vocabulary(entries.map((e) => e[0]), entries.map((e) => e[1]));
  }

  /** Number of accounts. */
  get size(): number {
    return this.words.length;
  }

  /**
   * The index of an account.
   *
   * @param word The account id.
   * @returns Its index, or `undefined` when it is not in the vocabulary.
   */
  index(word: string): number | undefined {
    return this.#index.get(word);
  }

  /**
   * Whether the account is in the vocabulary.
   *
   * @param word The account id.
   * @returns `true` when known.
   */
  has(word: string): boolean {
    return this.#index.has(word);
  }

  /**
   * The account id at an index.
   *
   * @param index An index in `[0, size)`.
   * @returns The account id.
   */
  word(index: number): string {
    const w = this.words[index];
    if (w === undefined) {
      throw new RangeError(
        `Cannot get account: index ${index} is outside [0, ${this.size})`,
      );
    }
    return w;
  }

  /**
   * The count of the account at an index.
   *
   * @param index An index in `[0, size)`.
   * @returns Its count.
   */
  count(index: number): number {
    const c = this.counts[index];
    if (c === undefined) {
      throw new RangeError(
        `Cannot get count: index ${index} is outside [0, ${this.size})`,
      );
    }
    return c;
  }
}

function compareEntries(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
