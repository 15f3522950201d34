import assert from "node:assert/strict";
import {
  createHandler,
  createModelApp,
  createWorldApp,
  type ExploreApp,
  MAX_PARAM_LENGTH,
} from "../src/handler.ts";
import { DEFAULT_PAGE_SIZE } from "../src/explore.ts";
import { Model } from "../src/model.ts";
import type { Post, Session } from "../src/records.ts";
import { PostScorer } from "../src/scorer.ts";
import { Vocabulary } from "../src/vocab.ts";

const ORIGIN = "http://localhost";
const WORLD = { topics: 6, accountsPerTopic: 20, users: 40 };
const app = createWorldApp({ world: WORLD });
const handler = createHandler(app);
const user = app.sampleUsers[1]!;
const account = app.model.vocab.words[3]!;

async function get(
  path: string,
  init?: RequestInit,
  h: (r: Request) => Response | Promise<Response> = handler,
): Promise<Response> {
  return await h(new Request(ORIGIN + path, init));
}

async function getJson(
  path: string,
  status = 200,
): Promise<Record<string, unknown>> {
  const response = await get(path);
  assert.equal(response.status, status, path);
  assert.equal(
    response.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  return await response.json();
}

function q(value: string): string {
  return encodeURIComponent(value);
}

Deno.test("`createHandler()` serves the page as UTF-8 HTML with security headers", async () => {
  const response = await get(`/?user=${q(user)}`);
  assert.equal(response.status, 200);
  assert.equal(
    response.headers.get("content-type"),
    "text/html; charset=utf-8",
  );
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  const csp = response.headers.get("content-security-policy")!;
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|script-src/);
  const html = await response.text();
  const nonce = /style-src 'nonce-([^']+)'/.exec(csp)![1]!;
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  assert.doesNotMatch(html, /style="/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /<meta charset="utf-8">/);
  const page = await getJson(`/api/explore?user=${q(user)}`) as {
    posts: { postId: string }[];
  };
  const tiles = [...html.matchAll(/<li class="tile" data-post="([^"]+)"/g)]
    .map((m) => m[1]);
  assert.deepEqual(tiles, page.posts.map((p) => p.postId));
  assert.ok(html.includes(`src="/map.svg"`));
});

Deno.test("`createHandler()` gives each page response its own style nonce", async () => {
  const a = (await get("/")).headers.get("content-security-policy");
  const b = (await get("/")).headers.get("content-security-policy");
  assert.notEqual(a, b);
});

Deno.test("`createHandler()` page without ?user= shows the first sample user", async () => {
  const html = await (await get("/")).text();
  assert.ok(html.includes(`Explore for ${app.sampleUsers[0]}`));
});

Deno.test("`createHandler()` serves the pre-rendered map as SVG", async () => {
  const response = await get("/map.svg");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type")!, /^image\/svg\+xml/);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.equal(await response.text(), app.mapSvg);
});

Deno.test("`createHandler()` /api/similar returns k neighbours, best first, without the account", async () => {
  const body = await getJson(`/api/similar?account=${q(account)}&k=5`) as {
    account: string;
    k: number;
    neighbors: { account: string; score: number }[];
  };
  assert.equal(body.account, account);
  assert.equal(body.k, 5);
  assert.equal(body.neighbors.length, 5);
  assert.ok(body.neighbors.every((n) => n.account !== account));
  for (let i = 1; i < body.neighbors.length; i++) {
    assert.ok(body.neighbors[i - 1]!.score >= body.neighbors[i]!.score);
  }
  // The top neighbour is the account of highest cosine, computed here.
  const v = app.model.vector(account)!;
  let best = "";
  let bestCos = -Infinity;
  for (const other of app.model.vocab.words) {
    if (other === account) continue;
    const w = app.model.vector(other)!;
    let dot = 0, nv = 0, nw = 0;
    for (let d = 0; d < v.length; d++) {
      dot += v[d]! * w[d]!;
      nv += v[d]! * v[d]!;
      nw += w[d]! * w[d]!;
    }
    const cos = dot / Math.sqrt(nv * nw);
    if (cos > bestCos) [best, bestCos] = [other, cos];
  }
  assert.equal(body.neighbors[0]!.account, best);
  assert.ok(Math.abs(body.neighbors[0]!.score - bestCos) < 1e-4);
  const fallback = await getJson(`/api/similar?account=${q(account)}`) as {
    neighbors: unknown[];
  };
  assert.equal(fallback.neighbors.length, 10);
});

Deno.test("`createHandler()` /api/recommend excludes seeds and follows and honours k and strategy", async () => {
  const body = await getJson(`/api/recommend?user=${q(user)}&k=7`) as {
    user: string;
    strategy: string;
    seeds: string[];
    accounts: { account: string; score: number; because: string[] }[];
  };
  assert.equal(body.user, user);
  assert.equal(body.strategy, "per-seed");
  assert.equal(body.accounts.length, 7);
  const follows = new Set(app.follows!.get(user)!);
  const history = app.histories.get(user)!.flatMap((s) => s.accounts);
  for (const r of body.accounts) {
    assert.ok(!body.seeds.includes(r.account));
    assert.ok(!follows.has(r.account));
    assert.ok(r.because.length > 0);
    assert.ok(r.because.every((s) => body.seeds.includes(s)));
  }
  assert.ok(body.seeds.every((s) => history.includes(s)));
  const fallback = await getJson(`/api/recommend?user=${q(user)}`) as {
    accounts: unknown[];
  };
  assert.equal(fallback.accounts.length, 12);
  const mean = await getJson(`/api/recommend?user=${q(user)}&strategy=mean`);
  assert.equal(mean.strategy, "mean");
});

Deno.test("`createHandler()` /api/explore returns a full page of unseen posts with its funnel", async () => {
  const body = await getJson(`/api/explore?user=${q(user)}`) as {
    user: string;
    seeds: string[];
    recentSession: string[];
    accounts: unknown[];
    posts: { postId: string; account: string; score: number }[];
    funnel: { candidates: number; page: number };
  };
  assert.equal(body.user, user);
  assert.equal(body.posts.length, DEFAULT_PAGE_SIZE);
  assert.equal(body.funnel.page, body.posts.length);
  assert.ok(body.funnel.candidates >= body.posts.length);
  const seen = new Set(app.seen!.get(user)!);
  assert.ok(body.posts.every((p) => !seen.has(p.postId)));
  const sessions = app.histories.get(user)!;
  assert.deepEqual(body.recentSession, sessions.at(-1)!.accounts);
  assert.deepEqual(await getJson(`/api/explore?user=${q(user)}`), body);
});

Deno.test("`createHandler()` rejects k outside 1..100 and malformed k with 400 JSON", async () => {
  for (const k of ["0", "101", "abc", "1.5", "-1", "", "1e1", " 5", "0x10"]) {
    for (
      const route of [
        "similar?account=" + q(account),
        "recommend?user=" + q(user),
      ]
    ) {
      const body = await getJson(`/api/${route}&k=${q(k)}`, 400);
      assert.match(String(body.error), /^Cannot read k: /, `k=${k}`);
    }
  }
  assert.equal(
    (await getJson(`/api/similar?account=${q(account)}&k=100`)).k,
    100,
  );
  assert.equal((await getJson(`/api/similar?account=${q(account)}&k=1`)).k, 1);
});

Deno.test("`createHandler()` rejects missing parameters and unknown strategies with 400", async () => {
  for (
    const path of [
      "/api/similar",
      "/api/similar?account=",
      "/api/recommend",
      "/api/explore",
      "/api/explore?user=",
      `/api/recommend?user=${q(user)}&strategy=bogus`,
    ]
  ) {
    const body = await getJson(path, 400);
    assert.equal(typeof body.error, "string", path);
  }
});

Deno.test("`createHandler()` answers unknown accounts and users with 404 JSON", async () => {
  const similar = await getJson("/api/similar?account=nobody_here", 404);
  assert.match(String(similar.error), /unknown account "nobody_here"/);
  for (const route of ["recommend", "explore"]) {
    const body = await getJson(`/api/${route}?user=u_missing`, 404);
    assert.match(String(body.error), /unknown user "u_missing"/);
  }
  const page = await get("/?user=u_missing");
  assert.equal(page.status, 404);
  assert.ok((await page.text()).includes("Unknown user"));
});

Deno.test("`createHandler()` answers unknown routes and traversal paths with 404", async () => {
  for (
    const path of [
      "/nope",
      "/API/similar",
      "/api/similar/",
      "/index.html",
      "/../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/api/../../etc/passwd",
      "/map.svg/..%2f..%2fetc%2fpasswd",
      "//etc/passwd",
      "/..%5c..%5cetc%5cpasswd",
      "/src/handler.ts",
    ]
  ) {
    const response = await get(path);
    assert.equal(response.status, 404, path);
    assert.equal(
      response.headers.get("content-type"),
      "application/json; charset=utf-8",
    );
    const text = await response.text();
    assert.ok(!text.includes("root:"), path);
    assert.equal(typeof JSON.parse(text).error, "string");
  }
});

Deno.test("`createHandler()` answers other methods with 405 and Allow", async () => {
  for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
    const response = await get("/api/similar?account=" + q(account), {
      method,
    });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "GET, HEAD");
    assert.equal(typeof (await response.json()).error, "string");
  }
});

Deno.test("`createHandler()` rejects over-long parameters and URLs with 4xx", async () => {
  const huge = await get(`/api/similar?account=${"a".repeat(10_240)}`);
  assert.equal(huge.status, 414);
  assert.equal(typeof (await huge.json()).error, "string");
  const long = await get(
    `/api/similar?account=${"a".repeat(MAX_PARAM_LENGTH + 1)}`,
  );
  assert.equal(long.status, 400);
  assert.match((await long.json()).error, /at most 256/);
  const longName = await get(`/?${"x".repeat(MAX_PARAM_LENGTH + 1)}=1`);
  assert.equal(longName.status, 400);
  await longName.body?.cancel();
  const hugePage = await get(`/?user=${"u".repeat(10_240)}`);
  assert.ok(hugePage.status >= 400 && hugePage.status < 500);
  await hugePage.body?.cancel();
});

Deno.test("`createHandler()` answers HEAD with the GET headers and no body", async () => {
  for (
    const path of ["/", "/map.svg", `/api/explore?user=${q(user)}`, "/nope"]
  ) {
    const headResponse = await get(path, { method: "HEAD" });
    const getResponse = await get(path);
    assert.equal(headResponse.status, getResponse.status, path);
    assert.equal(
      headResponse.headers.get("content-type"),
      getResponse.headers.get("content-type"),
    );
    assert.equal(headResponse.body, null);
    assert.equal(await headResponse.text(), "");
    await getResponse.body?.cancel();
  }
});

// An app whose ids are hostile markup.
const EVIL_ACCOUNT = `<script>alert("a")</script>`;
const EVIL_OTHER = `"><img src=x onerror=alert(1)>`;
const EVIL_USER = `<script>alert('u')</script>`;
const EVIL_CATEGORY = `<b>cat</b>`;

function evilApp(): ExploreApp {
  const words = [EVIL_ACCOUNT, EVIL_OTHER, "plain_account", "x&y"];
  const vocab = new Vocabulary(words, [4, 3, 2, 1]);
  const model = new Model({
    vocab,
    dim: 2,
    input: Float32Array.of(1, 0, 0.9, 0.2, 0.8, 0.3, 0.1, 1),
  });
  const sessions: Session[] = [
    { user: EVIL_USER, accounts: [EVIL_ACCOUNT, "x&y"] },
  ];
  const posts: Post[] = words.map((a, i) => ({
    postId: `<i>p${i}</i>`,
    account: a,
  }));
  return createModelApp(model, {
    title: `<title>${EVIL_ACCOUNT}`,
    sessions,
    posts,
    scorer: new PostScorer({ dim: 2 }),
    categories: new Map(words.map((w) => [w, EVIL_CATEGORY])),
  });
}

Deno.test("`createHandler()` never puts hostile ids into the page unescaped", async () => {
  const evil = createHandler(evilApp());
  const pages = [
    `/?user=${q(EVIL_USER)}`,
    `/?user=${q(EVIL_USER)}&account=${q(EVIL_OTHER)}`,
    `/?user=${q("<script>nobody</script>")}`,
    `/?account=${q("<svg onload=alert(1)>")}`,
  ];
  for (const path of pages) {
    const html = await (await get(path, undefined, evil)).text();
    assert.doesNotMatch(html, /<script/i, path);
    assert.doesNotMatch(html, /<img src=x/i, path);
    assert.doesNotMatch(html, /<svg onload/i, path);
    assert.doesNotMatch(html, /<b>cat/, path);
    assert.doesNotMatch(html, /<i>p/, path);
    assert.doesNotMatch(html, /x&y/, path);
  }
  const html = await (await get(pages[1]!, undefined, evil)).text();
  assert.ok(html.includes("&lt;script&gt;alert(&quot;a&quot;)&lt;/script&gt;"));
  assert.ok(html.includes("&lt;i&gt;p"));
  assert.ok(html.includes("x&amp;y"));
  assert.ok(html.includes(`value="&lt;script&gt;alert(&#39;u&#39;)`));
  const svg = await (await get("/map.svg", undefined, evil)).text();
  assert.doesNotMatch(svg, /<script/i);
});

Deno.test("`createHandler()` hides unexpected errors behind a generic 500 and logs them", async () => {
  const broken = createModelApp(app.model, {
    sessions: app.histories.get(user)!,
    noMap: true,
  });
  const scorer = new PostScorer({ dim: app.model.dim });
  scorer.predict = () => {
    throw new Error("secret detail at /home/me/project/src/x.ts:12");
  };
  const logged: unknown[] = [];
  const h = createHandler(
    { ...broken, scorer, postsByAccount: app.postsByAccount },
    { onError: (error) => logged.push(error) },
  );
  const response = await get(`/api/explore?user=${q(user)}`, undefined, h);
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), { error: "Internal server error" });
  assert.ok(!text.includes("secret") && !text.includes(".ts"));
  assert.equal(logged.length, 1);
  const page = await get(`/?user=${q(user)}`, undefined, h);
  assert.equal(page.status, 500);
  assert.ok(!(await page.text()).includes("secret"));
  assert.equal((await get("/map.svg", undefined, h)).status, 404);
});

Deno.test("`createHandler()` without a scorer still recommends and answers explore with 404", async () => {
  const h = createHandler(
    createModelApp(app.model, { sessions: app.histories.get(user)! }),
  );
  const recommend = await get(
    `/api/recommend?user=${q(user)}&k=3`,
    undefined,
    h,
  );
  assert.equal(recommend.status, 200);
  assert.equal((await recommend.json()).accounts.length, 3);
  const response = await get(`/api/explore?user=${q(user)}`, undefined, h);
  assert.equal(response.status, 404);
  assert.match((await response.json()).error, /no trained post scorer/);
  const page = await get(`/?user=${q(user)}`, undefined, h);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(`id="recommended"`));
  assert.ok(!html.includes(`class="tile"`));
});

Deno.test("`createHandler()` caches Explore pages per user, bounded by cacheSize", async () => {
  const [a, b] = [app.sampleUsers[0]!, app.sampleUsers[1]!];
  async function predictCalls(
    cacheSize: number,
    users: string[],
  ): Promise<number> {
    const scorer = new PostScorer({ dim: app.model.dim });
    let calls = 0;
    const predict = scorer.predict.bind(scorer);
    scorer.predict = (example) => {
      calls++;
      return predict(example);
    };
    const h = createHandler({ ...app, scorer }, { cacheSize });
    for (const u of users) {
      const r = await get(`/api/explore?user=${q(u)}`, undefined, h);
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    return calls;
  }
  const pageA = await predictCalls(0, [a]);
  const pageB = await predictCalls(0, [b]);
  assert.ok(pageA > 0 && pageB > 0);
  const order = [a, a, b, a];
  assert.equal(await predictCalls(0, order), 3 * pageA + pageB);
  // Size 1: the second a is cached, b evicts a, the last a is scored again.
  assert.equal(await predictCalls(1, order), 2 * pageA + pageB);
  assert.equal(await predictCalls(2, order), pageA + pageB);
});

Deno.test("`createHandler()` rejects bad size options with RangeError", () => {
  assert.throws(() => createHandler(app, { cacheSize: -1 }), RangeError);
  assert.throws(() => createHandler(app, { pageAccounts: 0 }), RangeError);
  assert.throws(() => createHandler(app, { pickerUsers: 1.5 }), RangeError);
});

Deno.test("`createModelApp()` trains a scorer from posts and interactions and marks them seen", () => {
  const built = createModelApp(app.model, {
    sessions: [...app.histories.values()].flat(),
    posts: [...app.postsByAccount.values()].flat(),
    interactions: [...app.seen!].flatMap(([u, posts]) =>
      [...posts].map((postId, i) => ({
        user: u,
        postId,
        liked: i % 2 === 0,
        saved: i % 3 === 0,
        hidden: i % 5 === 0,
      }))
    ),
    noMap: true,
  });
  assert.ok(built.scorer instanceof PostScorer);
  assert.equal(built.histories.size, app.histories.size);
  assert.deepEqual(
    new Set(built.seen!.get(user)),
    new Set(app.seen!.get(user)),
  );
  assert.equal(built.mapSvg, "");
  assert.throws(
    () => createModelApp(app.model, { scorer: new PostScorer({ dim: 3 }) }),
    TypeError,
  );
});
