// The Explore page in a real browser: Deno.serve on 127.0.0.1 with the
// default simulated world, Debian's Chromium driven by playwright-core.
//
//   deno test -A tests/browser_test.ts
//   deno run -A tests/browser_test.ts --screenshot docs/explore.png   # README image
//
// Skipped (with a note) when /usr/bin/chromium is missing.

import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { type Browser, chromium } from "playwright-core";
import { createHandler, createWorldApp } from "../src/handler.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const VIEWPORT = { width: 1360, height: 1000 };
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

const hasChromium = chromiumExists();
if (!hasChromium) {
  console.warn(
    `browser_test: skipping, no Chromium at ${CHROMIUM} (install Debian's "chromium" package)`,
  );
}

function chromiumExists(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

interface Served {
  origin: string;
  users: readonly string[];
  browser: Browser;
}

async function withServedPage(fn: (s: Served) => Promise<void>): Promise<void> {
  const app = createWorldApp();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createHandler(app),
  );
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    await fn({
      origin: `http://127.0.0.1:${server.addr.port}`,
      users: app.sampleUsers,
      browser,
    });
  } finally {
    await browser?.close();
    await server.shutdown();
  }
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return await response.json();
}

Deno.test({
  name:
    "`createHandler()` page shows the API's Explore grid and recommended accounts in Chromium",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServedPage(async ({ origin, users, browser }) => {
      const user = users[2]!;
      const explore = await getJson(
        `${origin}/api/explore?user=${encodeURIComponent(user)}`,
      ) as { posts: { postId: string; account: string }[] };
      const recommend = await getJson(
        `${origin}/api/recommend?user=${encodeURIComponent(user)}`,
      ) as { accounts: { account: string }[] };
      assert.ok(explore.posts.length > 0);
      assert.ok(recommend.accounts.length > 0);

      const page = await browser.newPage({ viewport: VIEWPORT });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(String(e)));
      const response = await page.goto(
        `${origin}/?user=${encodeURIComponent(user)}`,
      );
      assert.equal(response?.status(), 200);
      assert.match(
        response?.headers()["content-type"] ?? "",
        /charset=utf-8/,
      );

      const tiles = page.locator("#grid li.tile");
      assert.equal(await tiles.count(), explore.posts.length);
      const postIds = await tiles.evaluateAll((els) =>
        els.map((el) => el.getAttribute("data-post"))
      );
      assert.deepEqual(postIds, explore.posts.map((p) => p.postId));
      const firstTile = await tiles.first().innerText();
      assert.ok(firstTile.includes(explore.posts[0]!.account));
      assert.ok(firstTile.includes("because you engaged with"));

      const shown = await page.locator("#recommended tr[data-account]")
        .evaluateAll((els) => els.map((el) => el.getAttribute("data-account")));
      assert.deepEqual(shown, recommend.accounts.map((a) => a.account));

      // The nonce'd style applies (the grid is laid out as a CSS grid) and
      // the map loads under the page's Content-Security-Policy.
      // Evaluated as strings: the test's type check has no DOM library.
      const display = await page.evaluate(
        "getComputedStyle(document.querySelector('#grid')).display",
      );
      assert.equal(display, "grid");
      const mapWidth = await page.evaluate(
        "document.querySelector('#map img').naturalWidth",
      ) as number;
      assert.ok(mapWidth > 0, "the map image did not load");
      assert.deepEqual(problems, []);

      const dir = await Deno.makeTempDir({ prefix: "explore2vec-browser-" });
      try {
        const path = `${dir}/explore.png`;
        await page.screenshot({ path, fullPage: true });
        const bytes = await Deno.readFile(path);
        assert.deepEqual([...bytes.subarray(0, 4)], PNG_MAGIC);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
});

Deno.test({
  name: "`createHandler()` page's user picker switches to the chosen user",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServedPage(async ({ origin, users, browser }) => {
      const [first, other] = [users[0]!, users[5]!];
      const page = await browser.newPage({ viewport: VIEWPORT });
      await page.goto(`${origin}/`);
      assert.ok(
        (await page.locator("#explore h2").innerText()).includes(first),
      );
      await page.selectOption("#user", other);
      await Promise.all([
        page.waitForURL((url) => url.searchParams.get("user") === other),
        page.locator("#picker form button").first().click(),
      ]);
      assert.ok(
        (await page.locator("#explore h2").innerText()).includes(other),
      );
      const recent = await getJson(
        `${origin}/api/explore?user=${encodeURIComponent(other)}`,
      ) as { recentSession: string[] };
      const chips = await page.locator("#recent li").allInnerTexts();
      assert.deepEqual(chips, recent.recentSession);
    });
  },
});

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { screenshot: { type: "string" }, user: { type: "string" } },
    strict: true,
  });
  const out = values.screenshot ?? "docs/explore.png";
  if (!hasChromium) Deno.exit(1);
  await withServedPage(async ({ origin, users, browser }) => {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const user = values.user ?? users[2]!;
    await page.goto(`${origin}/?user=${encodeURIComponent(user)}`);
    await page.screenshot({ path: out, fullPage: true });
    console.error(`wrote ${out}`);
  });
}
