/**
 * Cold start: vectors for accounts that have no embedding yet, from the
 * accounts they co-occur with.
 *
 * What: a new account's vector is the mean of the unit vectors of the known
 * accounts it shares sessions with (weighted by co-occurrence count when
 * counts are given), rescaled to the mean length of those vectors so it sits
 * among the trained rows. In a skip-gram model an account's vector is pulled
 * towards its contexts, so this average points where training would have put
 * it.
 *
 * Reference: the "average of neighbours" fold-in used for new items in
 * item2vec-style recommenders. Where we differ: nothing is retrained; the
 * extended model is a new {@linkcode Model} whose extra rows can be
 * recommended and used as seeds, while the original is left untouched.
 *
 * @module
 */

import { Model } from "./model.ts";
import { Vocabulary } from "./vocab.ts";

/**
 * Options of {@linkcode coldStartVector}.
 *
 * @example Weighting pulls the vector towards the frequent co-account
 * ```ts
 * import { type ColdStartOptions, coldStartVector } from "./cold_start.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "dogs"], [1, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0, 1) });
 * const options: ColdStartOptions = { weights: [3, 1] };
 * const v = coldStartVector(model, ["cats", "dogs"], options)!;
 * assert.ok(v[0]! > 2 * v[1]!);
 * ```
 */
export interface ColdStartOptions {
  /** Co-occurrence count of each entry of `coAccounts`, same length. Default `1` each. */
  weights?: ArrayLike<number>;
}

/**
 * A vector for an account with no embedding, from the accounts it co-occurs
 * with. Unknown co-accounts are ignored; repeated ones count repeatedly.
 *
 * @example
 * ```ts
 * import { coldStartVector } from "./cold_start.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["catsdaily", "meowworld", "travelgram"], [1, 1, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(2, 0, 0, 2, -2, 0) });
 * const v = coldStartVector(model, ["catsdaily", "meowworld", "newcomer"])!;
 * // Halfway between the two cats accounts, with their length 2.
 * assert.ok(Math.abs(v[0]! - Math.SQRT2) < 1e-6 && Math.abs(v[1]! - Math.SQRT2) < 1e-6);
 * assert.equal(coldStartVector(model, ["nobody"]), undefined);
 * ```
 *
 * @param model The trained embeddings.
 * @param coAccounts Accounts seen in the same sessions as the new account.
 * @param options Co-occurrence weights.
 * @returns A vector of length `model.dim`, or `undefined` when no co-account
 *   is known (or their weighted mean is zero).
 * @throws {TypeError} When `weights` does not match `coAccounts` in length.
 * @throws {RangeError} When a weight is negative or not finite.
 */
export function coldStartVector(
  model: Model,
  coAccounts: readonly string[],
  options: ColdStartOptions = {},
): Float32Array | undefined {
  const weights = options.weights;
  if (weights !== undefined && weights.length !== coAccounts.length) {
    throw new TypeError(
      `Cannot build cold-start vector: ${weights.length} weights for ${coAccounts.length} co-accounts`,
    );
  }
  const dim = model.dim;
  const unit = model.normalized();
  const sum = new Float64Array(dim);
  let weightSum = 0;
  let lengthSum = 0;
  for (let c = 0; c < coAccounts.length; c++) {
    const w = weights === undefined ? 1 : weights[c]!;
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new RangeError(
        `Cannot build cold-start vector: weight of "${
          coAccounts[c]
        }" must be finite and >= 0, got ${w}`,
      );
    }
    const i = model.vocab.index(coAccounts[c]!);
    if (i === undefined || w === 0) continue;
    let length = 0;
    for (let j = 0; j < dim; j++) {
      sum[j]! += w * unit[i * dim + j]!;
      length += model.input[i * dim + j]! ** 2;
    }
    weightSum += w;
    lengthSum += w * Math.sqrt(length);
  }
  if (weightSum === 0) return undefined;
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += sum[j]! * sum[j]!;
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return undefined;
  const scale = lengthSum / weightSum / norm;
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = sum[j]! * scale;
  return out;
}

/**
 * Options of {@linkcode withColdStartAccounts}.
 *
 * @example Learn which new accounts could not be placed
 * ```ts
 * import { withColdStartAccounts, type WithColdStartOptions } from "./cold_start.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["cats"], [1]), dim: 2, input: Float32Array.of(1, 0) });
 * const options: WithColdStartOptions = { skipped: [] };
 * const extended = withColdStartAccounts(model, { kittens: ["cats"], hermit: ["nobody"] }, options);
 * assert.deepEqual(extended.vocab.words, ["cats", "kittens"]);
 * assert.deepEqual(options.skipped, ["hermit"]);
 * ```
 */
export interface WithColdStartOptions {
  /** When given, new accounts that got no vector (no known co-account) are appended here. Default none. */
  skipped?: string[];
}

/**
 * A new model with extra rows for accounts that have no embedding, each built
 * by {@linkcode coldStartVector} from its co-accounts (repeats count as
 * co-occurrences). Accounts already in the model keep their trained vectors.
 * New rows come after the trained ones, in the order given, with a count of
 * their number of co-occurrences; output vectors, when kept, get zero rows.
 *
 * @example
 * ```ts
 * import { withColdStartAccounts } from "./cold_start.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["catsdaily", "meowworld", "travelgram"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const extended = withColdStartAccounts(model, { kittenclub: ["catsdaily", "meowworld"] });
 * assert.equal(extended.size, 4);
 * assert.equal(extended.similar("kittenclub", 1)[0]!.account, "catsdaily");
 * assert.equal(model.size, 3);
 * ```
 *
 * @param model The trained embeddings.
 * @param coAccounts For each new account, the accounts it co-occurs with.
 * @param options Where to report accounts that could not be placed.
 * @returns A new model (the vectors of the original are copied).
 */
export function withColdStartAccounts(
  model: Model,
  coAccounts:
    | Readonly<Record<string, readonly string[]>>
    | ReadonlyMap<string, readonly string[]>,
  options: WithColdStartOptions = {},
): Model {
  const entries = coAccounts instanceof Map
    ? [...coAccounts]
    : Object.entries(coAccounts);
  const words = [...model.vocab.words];
  const counts = [...model.vocab.counts];
  const rows: Float32Array[] = [];
  const added = new Set<string>();
  for (const [account, co] of entries) {
    if (model.vocab.has(account) || added.has(account)) continue;
    const v = coldStartVector(model, co);
    if (v === undefined) {
      options.skipped?.push(account);
      continue;
    }
    added.add(account);
    words.push(account);
    counts.push(co.length);
    rows.push(v);
  }
  const dim = model.dim;
  const input = new Float32Array(words.length * dim);
  input.set(model.input);
  for (const [r, v] of rows.entries()) input.set(v, (model.size + r) * dim);
  let output: Float32Array | null = null;
  if (model.output !== null) {
    output = new Float32Array(words.length * dim);
    output.set(model.output);
  }
  return new Model({
    vocab: new Vocabulary(words, counts),
    dim,
    input,
    output,
    params: model.params,
  });
}
