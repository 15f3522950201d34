/**
 * Reads posts from JSONL, streaming.
 *
 * Each line is a JSON object with `post_id` (or `postId`) and `account`,
 * non-empty strings; optional `ts` (seconds since the epoch, or an ISO 8601
 * date string); every other field holding a number or a boolean becomes a
 * feature (booleans as `0` / `1`), and other fields are ignored. A post id
 * seen twice is an error. Every malformed line is an
 * {@linkcode InputError} naming file and line; nothing is skipped.
 *
 * @module
 */

import {
  type LineSource,
  parseJsonObject,
  parseTimestamp,
  readLineBatches,
  type ReadLinesOptions,
  requireString,
  sourceName,
} from "./_lines.ts";
import { InputError } from "./errors.ts";
import type { Post } from "./records.ts";

const POST_ID_FIELDS = ["post_id", "postId"] as const;
const ACCOUNT_FIELDS = ["account"] as const;
const RESERVED = new Set(["post_id", "postId", "account", "ts", "features"]);

/**
 * Options of {@linkcode readPosts}: the input's name in errors (default the
 * path as given, or `"<string>"` for text) and the longest accepted line
 * (default 64 MiB).
 *
 * @example
 * ```ts
 * import { InputError } from "./errors.ts";
 * import { readPosts, type ReadPostsOptions } from "./read_posts.ts";
 * import assert from "node:assert/strict";
 *
 * const options: ReadPostsOptions = { name: "posts.jsonl" };
 * await assert.rejects(async () => {
 *   for await (const _ of readPosts({ text: '{"post_id": "p1"}' }, options));
 * }, new InputError({ file: "posts.jsonl", line: 1 }, 'missing field "account"'));
 * ```
 */
export type ReadPostsOptions = ReadLinesOptions;

/**
 * Streams the posts of a JSONL file, byte stream or in-memory text.
 *
 * A `features` object field, when present, is read as features too, so
 * posts written with `JSON.stringify` read back unchanged.
 *
 * @param source A path, file URL, byte stream, bytes, or `{ text }`.
 * @param options Error name and line limit.
 * @returns The posts, in order.
 *
 * @example
 * ```ts
 * import { readPosts } from "./read_posts.ts";
 * import assert from "node:assert/strict";
 *
 * const text = '{"post_id": "p1", "account": "cats", "ts": 7, "appeal": 0.5, "is_video": true}\n';
 * const posts = [];
 * for await (const post of readPosts({ text })) posts.push(post);
 * assert.deepEqual(posts, [
 *   { postId: "p1", account: "cats", ts: 7, features: { appeal: 0.5, is_video: 1 } },
 * ]);
 * ```
 */
export async function* readPosts(
  source: LineSource,
  options: ReadPostsOptions = {},
): AsyncGenerator<Post> {
  const file = sourceName(source, options.name);
  const seen = new Map<string, number>();
  for await (const { lines, firstLine } of readLineBatches(source, options)) {
    for (let i = 0; i < lines.length; i++) {
      const line = firstLine + i;
      const post = parsePost(lines[i]!, file, line);
      const first = seen.get(post.postId);
      if (first !== undefined) {
        throw new InputError(
          { file, line },
          `duplicate post id ${
            JSON.stringify(post.postId)
          } (first on line ${first})`,
        );
      }
      seen.set(post.postId, line);
      yield post;
    }
  }
}

function parsePost(text: string, file: string, line: number): Post {
  const record = parseJsonObject(text, "a post", file, line);
  const post: Post = {
    postId: requireString(record, POST_ID_FIELDS, file, line),
    account: requireString(record, ACCOUNT_FIELDS, file, line),
  };
  if (record.ts !== undefined && record.ts !== null) {
    post.ts = parseTimestamp(record.ts, file, line);
  }
  let features: Record<string, number> | undefined;
  const nested = record.features;
  if (nested !== undefined) {
    if (
      nested === null || typeof nested !== "object" || Array.isArray(nested)
    ) {
      throw new InputError(
        { file, line },
        `expected "features" to be an object of numbers, got ${
          JSON.stringify(nested)
        }`,
      );
    }
    for (const [key, value] of Object.entries(nested)) {
      const number = featureValue(value);
      if (number === undefined) {
        throw new InputError(
          { file, line },
          `expected feature "${key}" to be a number, got ${
            JSON.stringify(value)
          }`,
        );
      }
      (features ??= {})[key] = number;
    }
  }
  for (const key in record) {
    if (RESERVED.has(key)) continue;
    const value = record[key];
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new InputError(
        { file, line },
        `expected feature "${key}" to be a finite number, got ${value}`,
      );
    }
    const number = featureValue(value);
    if (number !== undefined) (features ??= {})[key] = number;
  }
  if (features !== undefined) post.features = features;
  return post;
}

function featureValue(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}
