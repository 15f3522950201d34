/**
 * The Explore web page and JSON API as one fetch handler, `Request` →
 * `Response`, for `Deno.serve`, `deno serve` and edge runtimes.
 *
 * Everything the handler needs is held in memory by an {@linkcode ExploreApp}
 * (the model, the trained post scorer, users' histories, posts by account and
 * the pre-rendered embedding map), so a request touches no file system and
 * needs neither Workers nor FFI. Build one from the default simulated world
 * with {@linkcode createWorldApp}, or from a loaded model and optional data
 * with {@linkcode createModelApp}.
 *
 * Routes (GET and HEAD only; anything else is 404, other methods 405):
 *
 * | route | answers |
 * |---|---|
 * | `/` | the HTML page; `?user=` picks the user, `?account=` adds similar accounts |
 * | `/map.svg` | the embedding map |
 * | `/api/similar?account=A[&k=10]` | `{ account, k, neighbors: [{ account, score }] }` |
 * | `/api/recommend?user=U[&k=12][&strategy=S]` | `{ user, strategy, seeds, accounts: [{ account, score, because }] }` |
 * | `/api/explore?user=U` | the user's Explore page: `{ user, seeds, recentSession, accounts, posts, funnel }` |
 *
 * `k` is an integer in [1, 100]; each parameter is at most 256 characters and
 * the URL at most 2048 (else 400 / 414). Errors are JSON `{ "error": … }`;
 * unexpected failures are logged and answered with a generic 500.
 *
 * @module
 */

import { type PageView, renderPage } from "./_page.ts";
import {
  buildExploreWorld,
  type BuildExploreWorldOptions,
  explore,
  type ExploreOptions,
  type ExplorePage,
} from "./explore.ts";
import type { Model } from "./model.ts";
import { plot, type PlotOptions } from "./plot.ts";
import {
  RECOMMEND_STRATEGIES,
  recommendAccounts,
  type RecommendedAccount,
  type RecommendStrategy,
} from "./recommend.ts";
import type { Interaction, Post, Session } from "./records.ts";
import {
  buildScorerExamples,
  PostScorer,
  type ScorerTrainOptions,
} from "./scorer.ts";
import { seedAccounts } from "./seeds.ts";

/**
 * Everything the handler serves, held in memory.
 *
 * @example An app written by hand: no scorer, no map
 * ```ts
 * import { createHandler, type ExploreApp } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const app: ExploreApp = {
 *   title: "Cats and travel",
 *   model: new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) }),
 *   histories: new Map([["u1", [{ accounts: ["cats"] }]]]),
 *   postsByAccount: new Map(),
 *   sampleUsers: ["u1"],
 *   mapSvg: "",
 * };
 * const handler = createHandler(app);
 * const recommended = await (await handler(new Request("http://x/api/recommend?user=u1&k=1"))).json();
 * assert.deepEqual(recommended.accounts.map((a: { account: string }) => a.account), ["kittens"]);
 * assert.equal((await handler(new Request("http://x/api/explore?user=u1"))).status, 404);
 * assert.equal((await handler(new Request("http://x/map.svg"))).status, 404);
 * ```
 */
export interface ExploreApp {
  /** The page heading. */
  title: string;
  /** The account embeddings. */
  model: Model;
  /** The trained post scorer; without one, `/api/explore` answers 404. */
  scorer?: PostScorer;
  /** Each user's sessions, oldest first. */
  histories: ReadonlyMap<string, readonly Session[]>;
  /** Posts by author account id. */
  postsByAccount: ReadonlyMap<string, readonly Post[]>;
  /** Accounts each user follows (never recommended to them). Default none. */
  follows?: ReadonlyMap<string, Iterable<string>>;
  /** Posts each user has already been shown (never shown again). Default none. */
  seen?: ReadonlyMap<string, Iterable<string>>;
  /** Users offered as links on the page (the first is the default user). */
  sampleUsers: readonly string[];
  /** The embedding map, a standalone SVG document (`""`: no map). */
  mapSvg: string;
  /** Category of each account, for tile colours. Default none. */
  categories?: ReadonlyMap<string, string>;
}

/**
 * Options of {@linkcode createHandler}.
 *
 * @example Two recommended accounts by default, and no page cache
 * ```ts
 * import { createHandler, createModelApp, type HandlerOptions } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "lions", "travel"], [4, 3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0.8, 0.3, 0, 1) });
 * const app = createModelApp(model, { sessions: [{ user: "u1", accounts: ["cats"] }], noMap: true });
 * const options: HandlerOptions = { pageAccounts: 2, cacheSize: 0, explore: { strategy: "mean" } };
 * const handler = createHandler(app, options);
 * const body = await (await handler(new Request("http://x/api/recommend?user=u1"))).json();
 * assert.equal(body.strategy, "mean");
 * assert.deepEqual(body.accounts.map((a: { account: string }) => a.account), ["kittens", "lions"]);
 * ```
 */
export interface HandlerOptions {
  /** Stages of the Explore funnel. Default the defaults of `explore()`. */
  explore?: ExploreOptions;
  /**
   * Explore pages kept per user, with their JSON (least recently used
   * dropped; about 50 KB each with the default page). `0` disables the
   * cache. Default `512`.
   */
  cacheSize?: number;
  /** Recommended accounts listed on the page, and the default `k` of `/api/recommend`. Default `12`. */
  pageAccounts?: number;
  /** Users listed in the page's picker, at most. Default `500`. */
  pickerUsers?: number;
  /** Called with unexpected errors (answered with a generic 500). Default `console.error`. */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * Longest accepted request URL, in characters; longer ones are answered 414.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, MAX_URL_LENGTH } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const handler = createHandler(createModelApp(model, { noMap: true }));
 * const long = `http://x/api/similar?account=cats&pad=${"a".repeat(MAX_URL_LENGTH)}`;
 * assert.equal((await handler(new Request(long))).status, 414);
 * ```
 */
export const MAX_URL_LENGTH = 2048;
/**
 * Longest accepted query parameter value, in characters; longer ones are
 * answered 400.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, MAX_PARAM_LENGTH } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const handler = createHandler(createModelApp(model, { noMap: true }));
 * const account = "c".repeat(MAX_PARAM_LENGTH + 1);
 * const response = await handler(new Request(`http://x/api/similar?account=${account}`));
 * assert.equal(response.status, 400);
 * assert.match((await response.json()).error, /at most 256 are accepted/);
 * ```
 */
export const MAX_PARAM_LENGTH = 256;
/**
 * Largest accepted `k`.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, MAX_K } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const handler = createHandler(createModelApp(model, { noMap: true }));
 * assert.equal((await handler(new Request(`http://x/api/similar?account=cats&k=${MAX_K}`))).status, 200);
 * assert.equal((await handler(new Request(`http://x/api/similar?account=cats&k=${MAX_K + 1}`))).status, 400);
 * ```
 */
export const MAX_K = 100;
/**
 * Default `k` of `/api/similar`.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, DEFAULT_SIMILAR_K } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const handler = createHandler(createModelApp(model, { noMap: true }));
 * const body = await (await handler(new Request("http://x/api/similar?account=cats"))).json();
 * assert.equal(body.k, DEFAULT_SIMILAR_K);
 * assert.equal(body.neighbors.length, 2); // all the other accounts
 * ```
 */
export const DEFAULT_SIMILAR_K = 10;
/**
 * Default number of recommended accounts on the page and of
 * `/api/recommend`.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, DEFAULT_PAGE_ACCOUNTS } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * // Twenty accounts on an arc.
 * const words = Array.from({ length: 20 }, (_, i) => `a${i}`);
 * const input = Float32Array.from(words.flatMap((_, i) => [Math.cos(i / 10), Math.sin(i / 10)]));
 * const model = new Model({ vocab: new Vocabulary(words, words.map(() => 1)), dim: 2, input });
 * const app = createModelApp(model, { sessions: [{ user: "u1", accounts: ["a0"] }], noMap: true });
 * const body = await (await createHandler(app)(new Request("http://x/api/recommend?user=u1"))).json();
 * assert.equal(body.accounts.length, DEFAULT_PAGE_ACCOUNTS);
 * ```
 */
export const DEFAULT_PAGE_ACCOUNTS = 12;
/**
 * Default number of cached Explore pages (one per user, least recently used
 * dropped first).
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, DEFAULT_CACHE_SIZE } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a"], [1]), dim: 1, input: Float32Array.of(1) });
 * const app = createModelApp(model, { noMap: true });
 * assert.equal(DEFAULT_CACHE_SIZE, 512);
 * createHandler(app, { cacheSize: 0 }); // no cache
 * assert.throws(() => createHandler(app, { cacheSize: -1 }), RangeError);
 * ```
 */
export const DEFAULT_CACHE_SIZE = 512;
/**
 * Default number of users in the page's picker.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp, DEFAULT_PICKER_USERS } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a"], [1]), dim: 1, input: Float32Array.of(1) });
 * const sessions = Array.from({ length: DEFAULT_PICKER_USERS + 1 }, (_, i) => ({ user: `u${i}`, accounts: ["a"] }));
 * const handler = createHandler(createModelApp(model, { sessions, noMap: true }));
 * const html = await (await handler(new Request("http://x/"))).text();
 * assert.ok(html.includes(`<option value="u${DEFAULT_PICKER_USERS - 1}"`));
 * assert.ok(!html.includes(`<option value="u${DEFAULT_PICKER_USERS}"`));
 * ```
 */
export const DEFAULT_PICKER_USERS = 500;
/**
 * Default number of sample users of the builders.
 *
 * @example
 * ```ts
 * import { createModelApp, DEFAULT_SAMPLE_USERS } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const model = new Model({ vocab: new Vocabulary(["a"], [1]), dim: 1, input: Float32Array.of(1) });
 * const sessions = Array.from({ length: 20 }, (_, i) => ({ user: `u${i}`, accounts: ["a"] }));
 * const app = createModelApp(model, { sessions, noMap: true });
 * assert.equal(app.sampleUsers.length, DEFAULT_SAMPLE_USERS);
 * assert.equal(app.sampleUsers[0], "u0");
 * ```
 */
export const DEFAULT_SAMPLE_USERS = 12;
/** Seconds a client may cache the map. */
const MAP_MAX_AGE = 3600;
const NONCE_BYTES = 16;
const ALLOW = "GET, HEAD";
const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";
const SVG_TYPE = "image/svg+xml; charset=utf-8";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** A JSON error answer, thrown inside a route and turned into a response. */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/** An Explore page and its JSON text, as cached. */
interface CachedPage {
  page: ExplorePage;
  json: string;
}

/** A bounded map that forgets the least recently used entry. */
class LruCache<V> {
  #limit: number;
  #map = new Map<string, V>();
  constructor(limit: number) {
    this.#limit = limit;
  }
  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    if (this.#limit === 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.#limit) {
      this.#map.delete(this.#map.keys().next().value!);
    }
  }
}

/**
 * Creates the fetch handler of the Explore page and API.
 *
 * @example
 * ```ts
 * import { createHandler, createModelApp } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const handler = createHandler(createModelApp(model));
 * const response = await handler(new Request("http://localhost/api/similar?account=cats&k=1"));
 * assert.equal(response.status, 200);
 * const body = await response.json();
 * assert.equal(body.neighbors[0].account, "kittens");
 * assert.equal((await handler(new Request("http://localhost/api/similar?account=dogs"))).status, 404);
 * ```
 *
 * @param app The model, scorer, histories, posts and map.
 * @param options Funnel options, cache size, page sizes, error logger.
 * @returns A function from `Request` to `Response`.
 * @throws {RangeError} When a size option is not a non-negative integer.
 */
export function createHandler(
  app: ExploreApp,
  options: HandlerOptions = {},
): (request: Request) => Response | Promise<Response> {
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  const pageAccounts = options.pageAccounts ?? DEFAULT_PAGE_ACCOUNTS;
  const pickerUsers = options.pickerUsers ?? DEFAULT_PICKER_USERS;
  for (
    const [name, value, min] of [
      ["cacheSize", cacheSize, 0],
      ["pageAccounts", pageAccounts, 1],
      ["pickerUsers", pickerUsers, 0],
    ] as const
  ) {
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(
        `Cannot create handler: ${name} must be an integer >= ${min}, got ${value}`,
      );
    }
  }
  const exploreOptions = options.explore ?? {};
  const onError = options.onError ?? logError;
  const cache = new LruCache<CachedPage>(cacheSize);
  const pickerList = [...app.histories.keys()].slice(0, pickerUsers);
  const categoryNames = app.categories === undefined
    ? undefined
    : rankCategories(app.model, app.categories);
  let postCount = 0;
  for (const list of app.postsByAccount.values()) postCount += list.length;

  function history(user: string, action: string): readonly Session[] {
    const sessions = app.histories.get(user);
    if (sessions === undefined) {
      throw new HttpError(404, `Cannot ${action}: unknown user "${user}"`);
    }
    return sessions;
  }

  function recommendFor(
    user: string,
    k: number,
    strategy: RecommendStrategy | undefined,
  ): { seeds: string[]; accounts: RecommendedAccount[] } {
    const seeds = seedAccounts(history(user, "recommend"), {
      mode: exploreOptions.seedMode,
      budget: exploreOptions.seedBudget,
    });
    const accounts = recommendAccounts(app.model, seeds, {
      k,
      strategy: strategy ?? exploreOptions.strategy,
      exclude: app.follows?.get(user),
      clusters: exploreOptions.clusters,
      seed: exploreOptions.seed,
    });
    return { seeds, accounts };
  }

  function exploreFor(user: string): CachedPage {
    const sessions = history(user, "explore");
    if (app.scorer === undefined) {
      throw new HttpError(
        404,
        "Cannot explore: this app has no trained post scorer",
      );
    }
    const cached = cache.get(user);
    if (cached !== undefined) return cached;
    const page = explore({
      model: app.model,
      scorer: app.scorer,
      history: sessions,
      postsByAccount: app.postsByAccount,
      follows: app.follows?.get(user),
      seen: app.seen?.get(user),
      user,
    }, exploreOptions);
    const entry = { page, json: JSON.stringify(page) };
    cache.set(user, entry);
    return entry;
  }

  function similarFor(account: string, k: number) {
    if (!app.model.vocab.has(account)) {
      throw new HttpError(
        404,
        `Cannot find similar accounts: unknown account "${account}"`,
      );
    }
    return app.model.similar(account, k).map((n) => ({
      account: n.account,
      score: n.score,
    }));
  }

  function routeApi(path: string, params: URLSearchParams): Response {
    switch (path) {
      case "/api/similar": {
        const account = required(params, "account", "find similar accounts");
        const k = kParam(params, DEFAULT_SIMILAR_K);
        return json(200, { account, k, neighbors: similarFor(account, k) });
      }
      case "/api/recommend": {
        const user = required(params, "user", "recommend");
        const k = kParam(params, pageAccounts);
        const strategy = strategyParam(params);
        const { seeds, accounts } = recommendFor(user, k, strategy);
        return json(200, {
          user,
          strategy: strategy ?? exploreOptions.strategy ?? "per-seed",
          seeds,
          accounts,
        });
      }
      case "/api/explore": {
        const user = required(params, "user", "explore");
        return jsonText(200, exploreFor(user).json);
      }
    }
    throw new HttpError(404, `Cannot find route: no route "${path}"`);
  }

  function routePage(params: URLSearchParams): Response {
    let user = optional(params, "user");
    const account = optional(params, "account");
    let notice: string | undefined;
    let status = 200;
    if (user !== undefined && !app.histories.has(user)) {
      notice = `Unknown user "${user}".`;
      status = 404;
      user = undefined;
    }
    if (user === undefined && notice === undefined) {
      user = app.sampleUsers.find((u) => app.histories.has(u));
    }
    const view: PageView = {
      title: app.title,
      summary: {
        accounts: app.model.size,
        dim: app.model.dim,
        users: app.histories.size,
        posts: postCount,
      },
      users: pickerList,
      samples: app.sampleUsers,
      notice,
      categoryOf: app.categories === undefined
        ? undefined
        : (id) => app.categories!.get(id),
      categories: categoryNames,
      hasMap: app.mapSvg !== "",
    };
    if (user !== undefined) {
      view.user = user;
      const sessions = app.histories.get(user)!;
      view.recentSession = sessions.findLast((s) =>
        s.accounts.length > 0
      )?.accounts ?? [];
      view.recommended = recommendFor(user, pageAccounts, undefined).accounts;
      if (app.scorer !== undefined) view.explore = exploreFor(user).page;
    }
    if (account !== undefined) {
      if (app.model.vocab.has(account)) {
        view.similar = {
          account,
          neighbors: app.model.similar(account, DEFAULT_SIMILAR_K),
        };
      } else {
        view.notice = `${view.notice ?? ""} Unknown account "${account}".`
          .trim();
        status = 404;
      }
    }
    const nonce = makeNonce();
    return new Response(renderPage(view, nonce), {
      status,
      headers: headers(HTML_TYPE, pageCsp(nonce)),
    });
  }

  function route(request: Request): Response {
    if (request.url.length > MAX_URL_LENGTH) {
      throw new HttpError(
        414,
        `Cannot read request: the URL has ${request.url.length} characters, at most ${MAX_URL_LENGTH} are accepted`,
      );
    }
    const url = new URL(request.url);
    for (const [name, value] of url.searchParams) {
      if (name.length > MAX_PARAM_LENGTH || value.length > MAX_PARAM_LENGTH) {
        throw new HttpError(
          400,
          `Cannot read parameter "${
            name.slice(0, 32)
          }": ${value.length} characters, at most ${MAX_PARAM_LENGTH} are accepted`,
        );
      }
    }
    const path = url.pathname;
    if (path === "/") return routePage(url.searchParams);
    if (path === "/map.svg" && app.mapSvg !== "") {
      const h = headers(SVG_TYPE, API_CSP);
      h.set("Cache-Control", `public, max-age=${MAP_MAX_AGE}`);
      return new Response(app.mapSvg, { headers: h });
    }
    return routeApi(path, url.searchParams);
  }

  return function handler(request: Request): Response {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") {
      const response = json(405, {
        error: `Cannot ${method}: only GET and HEAD are allowed`,
      });
      response.headers.set("Allow", ALLOW);
      return response;
    }
    let response: Response;
    try {
      response = route(request);
    } catch (error) {
      if (error instanceof HttpError) {
        response = json(error.status, { error: error.message });
      } else {
        onError(error, request);
        response = json(500, { error: "Internal server error" });
      }
    }
    if (method === "HEAD") {
      return new Response(null, {
        status: response.status,
        headers: response.headers,
      });
    }
    return response;
  };
}

/** Categories by account count among the model's accounts, then name (the map's order). */
function rankCategories(
  model: Model,
  categories: ReadonlyMap<string, string>,
): string[] {
  const sizes = new Map<string, number>();
  for (const id of model.vocab.words) {
    const c = categories.get(id);
    if (c !== undefined && c !== "") sizes.set(c, (sizes.get(c) ?? 0) + 1);
  }
  return [...sizes]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name]) => name);
}

function logError(error: unknown, request: Request): void {
  console.error(`error serving ${request.method} ${request.url}:`, error);
}

function required(
  params: URLSearchParams,
  name: string,
  action: string,
): string {
  const value = optional(params, name);
  if (value === undefined) {
    throw new HttpError(400, `Cannot ${action}: missing parameter "${name}"`);
  }
  return value;
}

function optional(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === "" ? undefined : value;
}

function kParam(params: URLSearchParams, fallback: number): number {
  const raw = params.get("k");
  if (raw === null) return Math.min(fallback, MAX_K);
  const k = /^[0-9]{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(k >= 1 && k <= MAX_K)) {
    throw new HttpError(
      400,
      `Cannot read k: expected an integer from 1 to ${MAX_K}, got "${raw}"`,
    );
  }
  return k;
}

function strategyParam(
  params: URLSearchParams,
): RecommendStrategy | undefined {
  const raw = params.get("strategy");
  if (raw === null) return undefined;
  if (!RECOMMEND_STRATEGIES.includes(raw as RecommendStrategy)) {
    throw new HttpError(
      400,
      `Cannot read strategy: expected one of ${
        RECOMMEND_STRATEGIES.join(", ")
      }, got "${raw}"`,
    );
  }
  return raw as RecommendStrategy;
}

function headers(contentType: string, csp: string): Headers {
  return new Headers({
    "Content-Type": contentType,
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
  });
}

function pageCsp(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

function json(status: number, body: unknown): Response {
  return jsonText(status, JSON.stringify(body));
}

function jsonText(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: headers(JSON_TYPE, API_CSP),
  });
}

function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Options of {@linkcode createModelApp}. Every field is optional.
 *
 * @example Posts and interactions train a scorer, so `/api/explore` answers
 * ```ts
 * import { createHandler, createModelApp, type ModelAppData } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const posts = ["kittens", "travel"].flatMap((account) =>
 *   [1, 2, 3].map((n) => ({ postId: `${account}-${n}`, account, features: { appeal: n / 3 } }))
 * );
 * const interactions = posts.map((p, i) => ({
 *   user: `u${i % 2}`, postId: p.postId, liked: i % 3 === 0, saved: i % 2 === 0, hidden: i % 5 === 0,
 * }));
 * const data: ModelAppData = {
 *   title: "Pets",
 *   sessions: [{ user: "u0", accounts: ["cats"] }, { user: "u1", accounts: ["travel"] }, { user: "u2", accounts: ["cats"] }],
 *   posts,
 *   interactions,
 *   scorerTrain: { epochs: 5, seed: 1 },
 *   categories: new Map([["cats", "pets"], ["kittens", "pets"], ["travel", "places"]]),
 *   noMap: true,
 *   sampleUsers: ["u2"],
 * };
 * const app = createModelApp(model, data);
 * assert.equal(app.title, "Pets");
 * assert.ok(app.scorer !== undefined);
 * const page = await (await createHandler(app)(new Request("http://x/api/explore?user=u2"))).json();
 * assert.deepEqual(page.seeds, ["cats"]);
 * assert.ok(page.posts.length > 0);
 * ```
 */
export interface ModelAppData {
  /** The page heading. Default `"explore2vec"`. */
  title?: string;
  /** Sessions with `user` set become the users' histories. Default none. */
  sessions?: Iterable<Session>;
  /** Posts, the Explore catalogue. Default none. */
  posts?: Iterable<Post>;
  /** Interaction logs: train the scorer (with posts) and mark posts seen. Default none. */
  interactions?: Iterable<Interaction>;
  /** A trained scorer; when absent one is trained from posts and interactions if both are given. Default none. */
  scorer?: PostScorer;
  /** Scorer training options. Default `{}`. */
  scorerTrain?: ScorerTrainOptions;
  /** Accounts each user follows. Default none. */
  follows?: ReadonlyMap<string, Iterable<string>>;
  /** Category of each account, for the map and the tiles. Default none. */
  categories?: ReadonlyMap<string, string>;
  /** Map options. Default `{ title }`, coloured by `categories`. */
  map?: PlotOptions;
  /** Draw no map (the page then has none and `/map.svg` is 404). Default `false`. */
  noMap?: boolean;
  /** Users offered as links. Default the first 12 users of `sessions`. */
  sampleUsers?: readonly string[];
}

/**
 * Builds an {@linkcode ExploreApp} from a model and optional sessions, posts
 * and interactions, rendering the map once.
 *
 * @example
 * ```ts
 * import { createModelApp } from "./handler.ts";
 * import { Model } from "./model.ts";
 * import { Vocabulary } from "./vocab.ts";
 * import assert from "node:assert/strict";
 *
 * const vocab = new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]);
 * const model = new Model({ vocab, dim: 2, input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1) });
 * const app = createModelApp(model, { sessions: [{ user: "u1", accounts: ["cats", "travel"] }] });
 * assert.deepEqual(app.sampleUsers, ["u1"]);
 * assert.equal(app.histories.get("u1")!.length, 1);
 * assert.equal(app.scorer, undefined);
 * assert.ok(app.mapSvg.includes("</svg>"));
 * ```
 *
 * @param model The account embeddings.
 * @param data Sessions, posts, interactions, scorer, follows, categories, map options.
 * @returns The app.
 * @throws {TypeError} When a given scorer's dimension differs from the model's.
 */
export function createModelApp(
  model: Model,
  data: ModelAppData = {},
): ExploreApp {
  if (data.scorer !== undefined && data.scorer.dim !== model.dim) {
    throw new TypeError(
      `Cannot create app: the scorer expects dim ${data.scorer.dim}, the model has dim ${model.dim}`,
    );
  }
  const sessions = [...(data.sessions ?? [])];
  const posts = [...(data.posts ?? [])];
  const interactions = [...(data.interactions ?? [])];
  const histories = new Map<string, Session[]>();
  for (const s of sessions) {
    if (s.user === undefined) continue;
    let list = histories.get(s.user);
    if (list === undefined) histories.set(s.user, list = []);
    list.push(s);
  }
  const postsByAccount = new Map<string, Post[]>();
  for (const p of posts) {
    let list = postsByAccount.get(p.account);
    if (list === undefined) postsByAccount.set(p.account, list = []);
    list.push(p);
  }
  const seen = new Map<string, Set<string>>();
  for (const x of interactions) {
    let set = seen.get(x.user);
    if (set === undefined) seen.set(x.user, set = new Set());
    set.add(x.postId);
  }
  let scorer = data.scorer;
  if (scorer === undefined && posts.length > 0 && interactions.length > 0) {
    const examples = buildScorerExamples(model, {
      sessions,
      posts,
      interactions,
    });
    if (examples.length > 0) {
      scorer = PostScorer.train(examples, data.scorerTrain).scorer;
    }
  }
  const title = data.title ?? "explore2vec";
  const categories = data.categories;
  return {
    title,
    model,
    scorer,
    histories,
    postsByAccount,
    follows: data.follows,
    seen,
    sampleUsers: data.sampleUsers ??
      [...histories.keys()].slice(0, DEFAULT_SAMPLE_USERS),
    mapSvg: data.noMap ? "" : plot(model, {
      title,
      categories: categories === undefined ? undefined : new Map(categories),
      ...data.map,
    }),
    categories,
  };
}

/**
 * Options of {@linkcode createWorldApp}.
 *
 * @example A small world, two sample users and a small PCA map
 * ```ts
 * import { createWorldApp, type WorldAppOptions } from "./handler.ts";
 * import assert from "node:assert/strict";
 *
 * const options: WorldAppOptions = {
 *   world: { topics: 2, accountsPerTopic: 6, users: 12 },
 *   train: { dim: 8 },
 *   sampleUsers: 2,
 *   map: { projection: "pca", width: 400, height: 300 },
 * };
 * const app = createWorldApp(options);
 * assert.equal(app.sampleUsers.length, 2);
 * assert.ok(app.mapSvg.includes('width="400"'));
 * assert.equal(app.categories?.size, 12);
 * ```
 */
export interface WorldAppOptions extends BuildExploreWorldOptions {
  /** Users offered as links. Default `12`. */
  sampleUsers?: number;
  /** Map options. Default coloured by topic, titled with the world's size. */
  map?: PlotOptions;
}

/**
 * Builds an {@linkcode ExploreApp} from a simulated world: simulates it,
 * trains embeddings and the post scorer, and renders the map coloured by
 * topic (about two seconds for the default world).
 *
 * @example
 * ```ts
 * import { createWorldApp } from "./handler.ts";
 * import assert from "node:assert/strict";
 *
 * const app = createWorldApp({ world: { topics: 3, accountsPerTopic: 8, users: 30 }, sampleUsers: 4 });
 * assert.equal(app.model.size, 24);
 * assert.equal(app.histories.size, 30);
 * assert.equal(app.sampleUsers.length, 4);
 * assert.ok(app.scorer !== undefined);
 * ```
 *
 * @param options The world, training, scorer, sample and map options.
 * @returns The app.
 */
export function createWorldApp(options: WorldAppOptions = {}): ExploreApp {
  const built = buildExploreWorld(options);
  const { world, model, scorer } = built;
  const histories = new Map<string, Session[]>();
  const follows = new Map<string, string[]>();
  for (const u of world.users) {
    histories.set(u.id, world.sessionsByUser(u.id));
    follows.set(u.id, u.follows);
  }
  const seen = new Map<string, Set<string>>();
  for (const x of world.interactions) {
    let set = seen.get(x.user);
    if (set === undefined) seen.set(x.user, set = new Set());
    set.add(x.postId);
  }
  const categories = new Map(world.accounts.map((a) => [a.id, a.topic]));
  const title = "explore2vec · simulated world";
  return {
    title,
    model,
    scorer,
    histories,
    postsByAccount: world.postsByAccount,
    follows,
    seen,
    sampleUsers: world.users
      .slice(0, options.sampleUsers ?? DEFAULT_SAMPLE_USERS)
      .map((u) => u.id),
    mapSvg: plot(model, {
      title:
        `Simulated world: ${model.size} accounts, ${world.topics.length} topics`,
      categories,
      projection: "tsne",
      ...options.map,
    }),
    categories,
  };
}
