// Load test of the HTTP server: starts `deno task serve` (the default
// simulated world) on 127.0.0.1 with a free port, fires a fixed number of
// requests mixing /api/similar, /api/recommend, /api/explore and a few
// invalid ones (expected 4xx) from C concurrent fetch loops, then prints a
// markdown table. Bounded in count and time; exits 1 on any 5xx, dropped
// connection or unexpected status.
//
//   deno run -A tests/bench/load.ts [--requests 20000] [--concurrency 32] [--max-seconds 120]

import { parseArgs } from "node:util";
import { simulateWorld } from "../../src/simulate.ts";

/** Only this machine is ever contacted. */
const HOST = "127.0.0.1";
const DEFAULT_REQUESTS = 20_000;
const DEFAULT_CONCURRENCY = 32;
const DEFAULT_MAX_SECONDS = 120;
const STARTUP_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
/** Out of every 20 requests: 6 similar, 6 recommend, 7 explore, 1 invalid. */
const MIX = [
  ...Array(6).fill("similar"),
  ...Array(6).fill("recommend"),
  ...Array(7).fill("explore"),
  "invalid",
] as Route[];
const STRATEGIES = ["per-seed", "mean", "clusters"];
const REPO = new URL("../../", import.meta.url).pathname;

type Route = "similar" | "recommend" | "explore" | "invalid";

interface RouteStats {
  latencies: number[];
  ok: number;
  client: number;
  server: number;
  unexpected: number;
  connection: number;
}

function parseOptions() {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      requests: { type: "string" },
      concurrency: { type: "string" },
      "max-seconds": { type: "string" },
    },
    strict: true,
  });
  return {
    requests: positiveInt(values.requests, DEFAULT_REQUESTS, "requests"),
    concurrency: positiveInt(
      values.concurrency,
      DEFAULT_CONCURRENCY,
      "concurrency",
    ),
    maxSeconds: positiveInt(
      values["max-seconds"],
      DEFAULT_MAX_SECONDS,
      "max-seconds",
    ),
  };
}

function positiveInt(raw: string | undefined, fallback: number, name: string) {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`error: --${name} expects a positive integer, got "${raw}"`);
    Deno.exit(2);
  }
  return n;
}

/** A small seeded generator (mulberry32), so every run asks the same things. */
function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function startServer(): Promise<
  { child: Deno.ChildProcess; origin: string }
> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "serve", "--host", HOST, "--port", "0"],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const lines = child.stdout
    .pipeThrough(new TextDecoderStream())
    .getReader();
  let buffered = "";
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { value, done } = await lines.read();
    if (done) break;
    buffered += value;
    const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))\//.exec(buffered);
    if (match) {
      // Keep draining stdout so the server never blocks on a full pipe.
      (async () => {
        while (!(await lines.read()).done) { /* discard */ }
      })().catch(() => {});
      return { child, origin: match[1]! };
    }
  }
  child.kill("SIGTERM");
  throw new Error(`the server did not start; its output: ${buffered}`);
}

async function waitUntilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`the server never answered ${url}`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

async function main(): Promise<number> {
  const options = parseOptions();
  const world = simulateWorld();
  const users = world.users.map((u) => u.id);
  const accounts = world.accounts.map((a) => a.id);
  const random = makeRandom(7);
  const pick = <T>(xs: readonly T[]): T =>
    xs[Math.floor(random() * xs.length)]!;
  const invalid = [
    () => `/api/similar?account=${encodeURIComponent(pick(accounts))}&k=0`,
    () => `/api/similar?account=no_such_account_${Math.floor(random() * 1e6)}`,
    () => `/api/recommend?user=${encodeURIComponent(pick(users))}&k=abc`,
    () => `/api/explore`,
    () => `/api/explore?user=nobody`,
    () => `/nope/../../etc/passwd`,
  ];
  function requestFor(i: number): { route: Route; path: string } {
    const route = MIX[i % MIX.length]!;
    switch (route) {
      case "similar":
        return {
          route,
          path: `/api/similar?account=${encodeURIComponent(pick(accounts))}&k=${
            1 + Math.floor(random() * 20)
          }`,
        };
      case "recommend":
        return {
          route,
          path: `/api/recommend?user=${encodeURIComponent(pick(users))}&k=${
            5 + Math.floor(random() * 16)
          }&strategy=${pick(STRATEGIES)}`,
        };
      case "explore":
        return {
          route,
          path: `/api/explore?user=${encodeURIComponent(pick(users))}`,
        };
      default:
        return { route, path: pick(invalid)() };
    }
  }

  console.error("starting deno task serve …");
  const { child, origin } = await startServer();
  const stats = new Map<Route, RouteStats>();
  for (const r of ["similar", "recommend", "explore", "invalid"] as Route[]) {
    stats.set(r, {
      latencies: [],
      ok: 0,
      client: 0,
      server: 0,
      unexpected: 0,
      connection: 0,
    });
  }
  let issued = 0;
  let seconds = 0;
  let stoppedByTime = false;
  try {
    await waitUntilAnswering(
      `${origin}/api/similar?account=${encodeURIComponent(accounts[0]!)}`,
    );
    console.error(
      `server at ${origin}; ${options.requests} requests, ${options.concurrency} concurrent`,
    );
    const start = performance.now();
    const deadline = start + options.maxSeconds * 1000;
    const loop = async (): Promise<void> => {
      while (issued < options.requests) {
        if (performance.now() > deadline) {
          stoppedByTime = true;
          return;
        }
        const { route, path } = requestFor(issued++);
        const s = stats.get(route)!;
        const t0 = performance.now();
        try {
          const response = await fetch(origin + path, {
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          await response.arrayBuffer();
          s.latencies.push(performance.now() - t0);
          const status = response.status;
          if (status >= 500) s.server++;
          else if (status >= 400) s.client++;
          else s.ok++;
          const expectedOk = route !== "invalid";
          if (
            status < 500 &&
            (expectedOk ? status !== 200 : status < 400 || status >= 500)
          ) {
            s.unexpected++;
            if (s.unexpected <= 3) {
              console.error(`unexpected ${status} for ${path}`);
            }
          }
        } catch (error) {
          s.connection++;
          if (s.connection <= 3) {
            console.error(`connection error on ${path}: ${error}`);
          }
        }
      }
    };
    await Promise.all(
      Array.from({ length: options.concurrency }, () => loop()),
    );
    seconds = (performance.now() - start) / 1000;
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }

  const all = [...stats.values()];
  const done = all.reduce((n, s) => n + s.latencies.length + s.connection, 0);
  const total = (f: (s: RouteStats) => number) =>
    all.reduce((n, s) => n + f(s), 0);
  console.log(
    `| requests | concurrency | seconds | requests/s | 4xx (expected) | 5xx | connection errors | unexpected status |`,
  );
  console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|`);
  console.log(
    `| ${done} | ${options.concurrency} | ${seconds.toFixed(2)} | ${
      (done / seconds).toFixed(0)
    } | ${total((s) => s.client)} | ${total((s) => s.server)} | ${
      total((s) => s.connection)
    } | ${total((s) => s.unexpected)} |`,
  );
  console.log();
  console.log(
    `| route | requests | p50 ms | p99 ms | max ms | 2xx | 4xx | 5xx |`,
  );
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const [route, s] of stats) {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    const name = route === "invalid"
      ? "invalid (4xx expected)"
      : `/api/${route}`;
    console.log(
      `| ${name} | ${s.latencies.length + s.connection} | ${
        percentile(sorted, 50).toFixed(2)
      } | ${percentile(sorted, 99).toFixed(2)} | ${
        (sorted.at(-1) ?? NaN).toFixed(2)
      } | ${s.ok} | ${s.client} | ${s.server} |`,
    );
  }
  if (stoppedByTime) {
    console.error(`stopped at the ${options.maxSeconds}s cap`);
  }
  const failed = total((s) => s.server) + total((s) => s.connection) +
    total((s) => s.unexpected);
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
