/**
 * explore2vec: account embeddings from user sessions, and an Explore-style
 * recommender built on them.
 *
 * Skip-gram with negative sampling (the word2vec objective, "ig2vec") learns
 * one vector per account from the order in which users visit accounts; a
 * WebAssembly SIMD kernel trains it and ranks by cosine similarity. On the
 * embeddings sit the steps of an Explore feed: seed accounts from a user's
 * recent sessions, similar accounts, candidate posts, a learned model of
 * like / save / hide, a value model, a diversity re-rank, and a grid.
 *
 * @example Train on sessions and ask for similar accounts
 * ```ts
 * import { trainSync } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const sessions = [
 *   ["catsdaily", "meowworld", "funnycats"],
 *   ["travelgram", "naturepics", "worldexplorer"],
 *   ["catsdaily", "catvideos", "meowworld"],
 *   ["worldexplorer", "earthpix", "travelgram"],
 * ];
 * const model = trainSync(sessions, { dim: 16, window: 2, epochs: 200, sample: 0, seed: 1 });
 * const similar = model.similar("catsdaily", 3);
 * assert.equal(similar.length, 3);
 * assert.ok(similar.every((n) => n.account !== "catsdaily"));
 * ```
 *
 * @module
 */

// Inputs and records.
export * from "./src/errors.ts";
export * from "./src/prng.ts";
export * from "./src/records.ts";
export * from "./src/read_sessions.ts";
export * from "./src/read_posts.ts";
export * from "./src/read_interactions.ts";
export * from "./src/vocab.ts";
export * from "./src/corpus.ts";

// Training and the model.
export * from "./src/pairs.ts";
export * from "./src/samplers.ts";
export * from "./src/train_options.ts";
export * from "./src/train.ts";
export * from "./src/model.ts";
export * from "./src/model_io.ts";

// Quality.
export * from "./src/evaluate.ts";
export * from "./src/split.ts";
export * from "./src/tune.ts";

// The Explore pipeline.
export * from "./src/simulate.ts";
export * from "./src/seeds.ts";
export * from "./src/recommend.ts";
export * from "./src/cold_start.ts";
export * from "./src/candidates.ts";
export * from "./src/scorer.ts";
export * from "./src/rank.ts";
export * from "./src/grid.ts";
export * from "./src/explore.ts";

// Serving it.
export * from "./src/handler.ts";
export * from "./src/checkpoint.ts";
export * from "./src/memory.ts";

// Looking at embeddings.
export * from "./src/plot.ts";
export * from "./src/pca.ts";
export * from "./src/tsne.ts";
