/**
 * The `serve` command: the Explore page and JSON API over HTTP with
 * `Deno.serve`, for the default simulated world or a loaded model.
 *
 * @module
 */

import { readCategories } from "./_cli_plot.ts";
import {
  EXIT_OK,
  numberFlag,
  parseFlags,
  runCommand,
  UsageError,
} from "./_cli_util.ts";
import {
  createHandler,
  createModelApp,
  createWorldApp,
  type ExploreApp,
} from "./handler.ts";
import { loadModel } from "./model_io.ts";
import { readInteractions } from "./read_interactions.ts";
import { readPosts } from "./read_posts.ts";
import { readSessions } from "./read_sessions.ts";

const SERVE_USAGE = `Usage: deno task serve [--model MODEL] [flags]

Serves the Explore page (/) and the JSON API (/api/similar, /api/recommend,
/api/explore) plus the embedding map (/map.svg). Without --model it serves
the default simulated world (built at start, about two seconds). Stop with
Ctrl-C.

Flags:
  --model MODEL          native model or word2vec text/binary (default: the simulated world)
  --sessions FILE        with --model: users' sessions (text, .jsonl or .csv with a
                         user column) (default: none, no users)
  --posts FILE           with --model: posts (JSONL), the Explore catalogue (default: none)
  --interactions FILE    with --model: interaction logs (JSONL or CSV) to train the
                         post scorer (default: none, no /api/explore)
  --categories FILE      with --model: TSV "account<TAB>category" to colour the map
                         (default: none)
  --title T              page heading (default "explore2vec")
  --port N               TCP port, 0 = any free port (default 8000)
  --host H               address to listen on (default 127.0.0.1)

Examples:
  deno task serve
  deno task serve --port 8080 --host 0.0.0.0
  deno task serve --model model.e2v --sessions sessions.csv --posts posts.jsonl --interactions interactions.csv
  curl 'http://127.0.0.1:8000/api/similar?account=cats_daily_1&k=5'`;

/** Default TCP port. */
const DEFAULT_PORT = 8000;
/** Default listening address: this machine only. */
const DEFAULT_HOST = "127.0.0.1";
const MAX_PORT = 65_535;
const SHUTDOWN_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** Options of {@linkcode runServe} for embedding it (tests, scripts). */
export interface ServeOptions {
  /** Stops the server when aborted. Default: only SIGINT or SIGTERM stop it. */
  signal?: AbortSignal;
  /** Called with the bound address once listening. Default none. */
  onListen?: (addr: Deno.NetAddr) => void;
}

/**
 * Runs `serve` until the signal is aborted or SIGINT/SIGTERM arrives.
 *
 * @param args The flags after the command name.
 * @param options An abort signal and a listen callback.
 * @returns The exit code: 0 after a clean stop, 1 on failure, 2 on bad flags.
 */
export async function runServe(
  args: string[],
  options: ServeOptions = {},
): Promise<number> {
  return await runCommand(SERVE_USAGE, async () => {
    const v = parseFlags(args, {
      model: { type: "string" },
      sessions: { type: "string" },
      posts: { type: "string" },
      interactions: { type: "string" },
      categories: { type: "string" },
      title: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
    });
    if (v.help) {
      console.log(SERVE_USAGE);
      return EXIT_OK;
    }
    const port =
      numberFlag(v, "port", { integer: true, min: 0, max: MAX_PORT }) ??
        DEFAULT_PORT;
    const host = typeof v.host === "string" ? v.host : DEFAULT_HOST;
    if (host === "") throw new UsageError("--host must not be empty");
    if (typeof v.model !== "string") {
      for (const name of ["sessions", "posts", "interactions", "categories"]) {
        if (v[name] !== undefined) {
          throw new UsageError(`--${name} needs --model`);
        }
      }
    }
    const start = performance.now();
    const app = typeof v.model === "string"
      ? await loadApp(v as Record<string, string | undefined>)
      : createWorldApp();
    if (typeof v.title === "string") app.title = v.title;
    console.error(
      `ready: ${app.model.size} accounts, ${app.histories.size} users, ${
        app.scorer === undefined ? "no post scorer" : "post scorer trained"
      } in ${((performance.now() - start) / 1000).toFixed(1)}s`,
    );
    await serve(app, host, port, options);
    return EXIT_OK;
  });
}

async function loadApp(
  v: Record<string, string | undefined>,
): Promise<ExploreApp> {
  const model = await loadModel(v.model!);
  const sessions = v.sessions === undefined
    ? undefined
    : await Array.fromAsync(readSessions(v.sessions));
  const posts = v.posts === undefined
    ? undefined
    : await Array.fromAsync(readPosts(v.posts));
  const interactions = v.interactions === undefined
    ? undefined
    : await Array.fromAsync(readInteractions(v.interactions));
  const categories = v.categories === undefined
    ? undefined
    : await readCategories(v.categories);
  return createModelApp(model, {
    sessions,
    posts,
    interactions,
    categories,
  });
}

async function serve(
  app: ExploreApp,
  host: string,
  port: number,
  options: ServeOptions,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  const listening: Deno.Signal[] = [];
  for (const signal of SHUTDOWN_SIGNALS) {
    try {
      Deno.addSignalListener(signal, onSignal);
      listening.push(signal);
    } catch {
      // Not every platform has every signal (Windows has no SIGTERM).
    }
  }
  options.signal?.addEventListener("abort", onSignal, { once: true });
  if (options.signal?.aborted) stop.abort();
  try {
    const server = Deno.serve({
      hostname: host,
      port,
      signal: stop.signal,
      onListen(addr) {
        const name = addr.hostname.includes(":")
          ? `[${addr.hostname}]`
          : addr.hostname;
        console.log(`listening on http://${name}:${addr.port}/`);
        options.onListen?.(addr);
      },
    }, createHandler(app));
    await server.finished;
  } finally {
    for (const signal of listening) {
      Deno.removeSignalListener(signal, onSignal);
    }
    options.signal?.removeEventListener("abort", onSignal);
  }
}
