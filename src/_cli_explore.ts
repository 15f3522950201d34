/**
 * The `explore` and `recommend` commands of the CLI.
 *
 * `explore` shows one user's Explore page, stage by stage: the recent
 * session, the seed accounts, the recommended accounts and why, the ranked
 * posts with their score breakdown, a 3×3 grid, and the scorer's quality.
 * Without files it simulates a world and trains everything first.
 * `recommend` prints the accounts recommended for a user or a seed list.
 *
 * @module
 */

import {
  choiceFlag,
  EXIT_OK,
  numberFlag,
  parseFlags,
  requiredFlag,
  runCommand,
  UsageError,
  useColor,
} from "./_cli_util.ts";
import { InputError } from "./errors.ts";
import {
  buildExploreWorld,
  explore,
  type ExploreContext,
  type ExploreOptions,
  type ExplorePage,
} from "./explore.ts";
import { formatGrid, formatTable } from "./grid.ts";
import type { Model } from "./model.ts";
import { loadModel } from "./model_io.ts";
import { readInteractions } from "./read_interactions.ts";
import { readPosts } from "./read_posts.ts";
import { readSessions } from "./read_sessions.ts";
import {
  RECOMMEND_STRATEGIES,
  recommendAccounts,
  type RecommendedAccount,
} from "./recommend.ts";
import type { Interaction, Post, Session } from "./records.ts";
import {
  buildScorerExamples,
  PostScorer,
  type ScorerReport,
} from "./scorer.ts";
import { seedAccounts } from "./seeds.ts";
import { train } from "./train.ts";

const SESSION_FORMATS = ["text", "jsonl", "csv"] as const;
const SEED_MODES = ["recent", "last-session"] as const;
/** Recommended accounts printed by `explore` (the page uses more). */
const SHOWN_ACCOUNTS = 10;
/** Embedding size when `explore` trains on the user's files (with the sessions preset). */
const FILE_TRAIN_DIM = 32;

const EXPLORE_USAGE =
  `Usage: deno task explore [--user ID] [--seed N] [--strategy S] [--json]
       deno task explore --sessions FILE --posts FILE --interactions FILE [--model MODEL] [--user ID]

Shows one user's Explore page, stage by stage: their recent session, the seed
accounts, the recommended accounts ("because you engaged with …"), the ranked
posts with P(like), P(save), P(hide), value and diversity penalty, a 3×3 grid,
and the post scorer's AUC per action against a random baseline.

Without files it simulates a world (topics, accounts, users, sessions, posts,
interactions), trains account embeddings and the post scorer, then explores.
Tables are coloured on a terminal, never when NO_COLOR is set.

Flags:
  --user ID            the user (default: a sample user with several interests,
                       or the user of the first session in --sessions)
  --seed N             random seed of the simulated world, the training and the
                       post scorer (default 1)
  --users N            users in the simulated world (default 400)
  --strategy S         mean | per-seed | clusters (default per-seed)
  --seed-mode M        recent | last-session (default recent)
  --accounts N         recommended accounts to source posts from (default 50)
  --page-size N        posts on the page (default 25)
  --sessions FILE      your sessions (text, .jsonl or .csv with a user column);
                       needs --posts and --interactions (default: none, simulate)
  --format F           text | jsonl | csv for --sessions (default: from the extension)
  --posts FILE         your posts (.jsonl: post_id, account, ts, appeal, …) (default: none)
  --interactions FILE  your interaction logs (.jsonl or .csv), to train the post
                       scorer (default: none)
  --model MODEL        embeddings to use with your files (default: train on
                       --sessions with --preset sessions, dim 32)
  --json               print one JSON document instead of tables (default: tables)

Examples:
  deno task explore
  deno task explore --user u0007 --strategy clusters
  deno task explore --json --seed 3 --page-size 9
  deno task explore --sessions s.jsonl --posts p.jsonl --interactions i.jsonl --user alice
  deno task explore --sessions s.csv --posts p.jsonl --interactions i.csv --model model.e2v`;

const RECOMMEND_USAGE =
  `Usage: deno task recommend --model MODEL (--seeds a,b,c | --user ID --sessions FILE) [--k 20] [--json]

Recommends accounts similar to a user's recent accounts (or to the seed
accounts given), with their cosine similarity and the seeds they came from.
The table is coloured on a terminal, never when NO_COLOR is set.

Flags:
  --model MODEL      the embeddings: native, word2vec text or binary (required)
  --seeds LIST       comma-separated seed accounts, most recent first
                     (required unless --user and --sessions are given)
  --user ID          take the seeds from this user's sessions in --sessions
  --sessions FILE    sessions (text, .jsonl or .csv with a user column);
                     required with --user
  --format F         text | jsonl | csv for --sessions (default: from the extension)
  --seed-mode M      recent | last-session (default recent)
  --k N              how many accounts (default 20)
  --strategy S       mean | per-seed | clusters (default per-seed)
  --json             print JSON instead of a table (default: table)

Examples:
  deno task recommend --model model.e2v --seeds catsdaily,meowworld --k 5
  deno task recommend --model model.e2v --user u0007 --sessions sessions.jsonl --strategy clusters
  deno task recommend --model vectors.bin --seeds 214536502 --json`;

/**
 * The `explore` command.
 *
 * @param args The flags after the command name.
 * @returns The exit code: 0 done, 1 bad input file, 2 bad command line.
 */
export async function runExplore(args: string[]): Promise<number> {
  return await runCommand(EXPLORE_USAGE, () => exploreCommand(args));
}

/**
 * The `recommend` command.
 *
 * @param args The flags after the command name.
 * @returns The exit code: 0 done, 1 bad input file, 2 bad command line.
 */
export async function runRecommend(args: string[]): Promise<number> {
  return await runCommand(RECOMMEND_USAGE, () => recommendCommand(args));
}

interface Prepared {
  context: ExploreContext;
  report: ScorerReport;
  source: string;
  interests?: string[];
}

async function exploreCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, {
    user: { type: "string" },
    seed: { type: "string" },
    users: { type: "string" },
    strategy: { type: "string" },
    "seed-mode": { type: "string" },
    accounts: { type: "string" },
    "page-size": { type: "string" },
    sessions: { type: "string" },
    format: { type: "string" },
    posts: { type: "string" },
    interactions: { type: "string" },
    model: { type: "string" },
    json: { type: "boolean" },
  });
  if (v.help) {
    console.log(EXPLORE_USAGE);
    return EXIT_OK;
  }
  const seed = numberFlag(v, "seed", { integer: true }) ?? 1;
  const users = numberFlag(v, "users", { integer: true, min: 1 });
  const options: ExploreOptions = {
    strategy: choiceFlag(v, "strategy", RECOMMEND_STRATEGIES),
    seedMode: choiceFlag(v, "seed-mode", SEED_MODES),
    accounts: numberFlag(v, "accounts", { integer: true, min: 1 }),
    pageSize: numberFlag(v, "page-size", { integer: true, min: 1 }),
    seed,
  };
  const format = choiceFlag(v, "format", SESSION_FORMATS);
  const files = ["sessions", "posts", "interactions"] as const;
  const given = files.filter((f) => v[f] !== undefined);
  let prepared: Prepared;
  if (given.length === 0) {
    if (v.model !== undefined) {
      throw new UsageError(
        "--model needs --sessions, --posts and --interactions",
      );
    }
    prepared = simulated(seed, users, v.user as string | undefined);
  } else {
    const missing = files.filter((f) => v[f] === undefined);
    if (missing.length > 0) {
      throw new UsageError(
        `--${given[0]} needs ${missing.map((f) => `--${f}`).join(" and ")}`,
      );
    }
    prepared = await fromFiles({
      sessions: v.sessions as string,
      posts: v.posts as string,
      interactions: v.interactions as string,
      model: v.model as string | undefined,
      user: v.user as string | undefined,
      format,
      seed,
    });
  }
  const page = explore(prepared.context, options);
  if (v.json) {
    console.log(JSON.stringify(pageJson(page, prepared.report), null, 2));
  } else {
    console.log(
      formatPage(page, prepared, options.strategy ?? "per-seed", useColor()),
    );
  }
  return EXIT_OK;
}

function simulated(
  seed: number,
  users: number | undefined,
  user: string | undefined,
): Prepared {
  const built = buildExploreWorld({ seed, world: { users } });
  const { world } = built;
  let id = user;
  if (id === undefined) {
    id = (world.users.find((u) => u.interests.length > 1) ?? world.users[0])
      ?.id;
  } else if (!world.users.some((u) => u.id === id)) {
    throw new UsageError(
      `unknown user "${id}" (the simulated users are ${world.users[0]?.id} … ${
        world.users.at(-1)?.id
      })`,
    );
  }
  if (id === undefined) {
    throw new UsageError("the simulated world has no users");
  }
  return {
    context: built.context(id),
    report: built.report,
    source:
      `simulated world: ${world.topics.length} topics, ${world.accounts.length} accounts, ${world.users.length} users, ${world.posts.length} posts, ${world.interactions.length} interactions (seed ${seed})`,
    interests: world.userInterests(id),
  };
}

interface FileInputs {
  sessions: string;
  posts: string;
  interactions: string;
  model: string | undefined;
  user: string | undefined;
  format: (typeof SESSION_FORMATS)[number] | undefined;
  seed: number;
}

async function fromFiles(inputs: FileInputs): Promise<Prepared> {
  const sessions: Session[] = [];
  for await (
    const s of readSessions(inputs.sessions, { format: inputs.format })
  ) sessions.push(s);
  const posts: Post[] = [];
  for await (const p of readPosts(inputs.posts)) posts.push(p);
  const interactions: Interaction[] = [];
  for await (const x of readInteractions(inputs.interactions)) {
    interactions.push(x);
  }
  const user = inputs.user ?? sessions.find((s) => s.user !== undefined)?.user;
  if (user === undefined) {
    throw new InputError(
      { file: inputs.sessions },
      "no user ids: use JSONL or CSV sessions with a user field to explore",
    );
  }
  const history = sessions.filter((s) => s.user === user);
  if (history.length === 0) {
    throw new InputError(
      { file: inputs.sessions },
      `no sessions of user "${user}"`,
    );
  }
  const model: Model = inputs.model !== undefined
    ? await loadModel(inputs.model)
    : await train(sessions, {
      preset: "sessions",
      dim: FILE_TRAIN_DIM,
      seed: inputs.seed,
    });
  const examples = buildScorerExamples(model, {
    sessions,
    posts,
    interactions,
  });
  if (examples.length === 0) {
    throw new InputError(
      { file: inputs.interactions },
      "no interaction matches a known post, author and user: cannot train the post scorer",
    );
  }
  const { scorer, report } = PostScorer.train(examples, { seed: inputs.seed });
  const postsByAccount = new Map<string, Post[]>();
  for (const p of posts) {
    let list = postsByAccount.get(p.account);
    if (list === undefined) postsByAccount.set(p.account, list = []);
    list.push(p);
  }
  const seen = new Set(
    interactions.filter((x) => x.user === user).map((x) => x.postId),
  );
  return {
    context: { model, scorer, history, postsByAccount, seen, user },
    report,
    source:
      `${sessions.length} sessions, ${posts.length} posts, ${interactions.length} interactions; model of ${model.size} accounts, dim ${model.dim}`,
  };
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function pageJson(page: ExplorePage, report: ScorerReport): unknown {
  return {
    user: page.user,
    seeds: page.seeds,
    recent_session: page.recentSession,
    accounts: page.accounts.map((a) => ({
      account: a.account,
      similarity: round(a.score),
      because: a.because,
    })),
    posts: page.posts.map((p) => ({
      post_id: p.postId,
      account: p.account,
      score: round(p.score),
      breakdown: {
        p_like: round(p.breakdown.pLike),
        p_save: round(p.breakdown.pSave),
        p_hide: round(p.breakdown.pHide),
        value: round(p.value),
        diversity_penalty: round(p.breakdown.diversityPenalty),
      },
      similarity: p.similarity === undefined ? null : round(p.similarity),
      seeds: p.seeds ?? [],
    })),
    funnel: page.funnel,
    scorer: {
      auc: mapActions(report.auc, round),
      baseline_auc: mapActions(report.baselineAuc, round),
    },
  };
}

function mapActions(
  a: { like: number; save: number; hide: number },
  f: (x: number) => number,
): { like: number | null; save: number | null; hide: number | null } {
  const g = (x: number): number | null => Number.isNaN(x) ? null : f(x);
  return { like: g(a.like), save: g(a.save), hide: g(a.hide) };
}

function because(rec: RecommendedAccount): string {
  return rec.because.length === 0
    ? ""
    : `because you engaged with ${rec.because.slice(0, 2).join(", ")}${
      rec.because.length > 2 ? ` (+${rec.because.length - 2})` : ""
    }`;
}

function formatPage(
  page: ExplorePage,
  prepared: Prepared,
  strategy: string,
  color: boolean,
): string {
  const out: string[] = [];
  const { report } = prepared;
  out.push(`explore2vec — ${prepared.source}`);
  out.push("");
  out.push(
    `User ${page.user}${
      prepared.interests
        ? ` (true interests: ${prepared.interests.join(", ")})`
        : ""
    }`,
  );
  out.push(`Recent session: ${page.recentSession.join(" → ") || "(none)"}`);
  out.push(
    `Seeds (${page.seeds.length}, most recent first): ${
      page.seeds.join(", ") || "(none)"
    }`,
  );
  out.push("");
  out.push(
    `Recommended accounts (${strategy}; ${page.accounts.length} sourced, top ${
      Math.min(SHOWN_ACCOUNTS, page.accounts.length)
    } shown)`,
  );
  out.push(
    formatTable(
      page.accounts.slice(0, SHOWN_ACCOUNTS).map((a, i) => [
        i + 1,
        a.account,
        a.score,
        because(a),
      ]),
      ["#", "account", "similarity", "why"],
      { color, precision: 3 },
    ).trimEnd(),
  );
  out.push("");
  out.push(
    `Funnel: ${page.funnel.candidates} candidate posts → ${page.funnel.preselected} preselected by similarity → ${page.funnel.scored} scored → ${page.funnel.page} on the page`,
  );
  out.push("");
  out.push("Ranked posts (value = 1.0·P(like) + 1.2·P(save) − 2.0·P(hide))");
  out.push(
    formatTable(
      page.posts.map((p, i) => [
        i + 1,
        p.postId,
        p.account,
        p.breakdown.pLike,
        p.breakdown.pSave,
        p.breakdown.pHide,
        p.value,
        p.breakdown.diversityPenalty,
        p.score,
      ]),
      [
        "#",
        "post",
        "account",
        "P(like)",
        "P(save)",
        "P(hide)",
        "value",
        "penalty",
        "score",
      ],
      { color, precision: 3 },
    ).trimEnd(),
  );
  out.push("");
  out.push("Explore grid");
  out.push(formatGrid(page.posts, { columns: 3, rows: 3, color }).trimEnd());
  out.push("");
  out.push(
    `Post scorer quality (validation AUC on ${report.validationExamples} held-out interactions)`,
  );
  const fmt = (x: number): string => Number.isNaN(x) ? "n/a" : x.toFixed(3);
  out.push(
    formatTable(
      (["like", "save", "hide"] as const).map((k) => [
        k,
        fmt(report.auc[k]),
        fmt(report.baselineAuc[k]),
      ]),
      ["action", "AUC", "random baseline"],
      { color },
    ).trimEnd(),
  );
  return out.join("\n");
}

async function recommendCommand(args: string[]): Promise<number> {
  const v = parseFlags(args, {
    model: { type: "string" },
    seeds: { type: "string" },
    user: { type: "string" },
    sessions: { type: "string" },
    format: { type: "string" },
    "seed-mode": { type: "string" },
    k: { type: "string" },
    strategy: { type: "string" },
    json: { type: "boolean" },
  });
  if (v.help) {
    console.log(RECOMMEND_USAGE);
    return EXIT_OK;
  }
  const modelPath = requiredFlag(v, "model");
  const k = numberFlag(v, "k", { integer: true, min: 1 }) ?? 20;
  const strategy = choiceFlag(v, "strategy", RECOMMEND_STRATEGIES) ??
    "per-seed";
  const seedMode = choiceFlag(v, "seed-mode", SEED_MODES);
  const format = choiceFlag(v, "format", SESSION_FORMATS);
  if (
    v.seeds !== undefined && (v.user !== undefined || v.sessions !== undefined)
  ) {
    throw new UsageError(
      "give either --seeds or --user with --sessions, not both",
    );
  }
  let seeds: string[];
  if (v.seeds !== undefined) {
    seeds = String(v.seeds).split(",").map((s) => s.trim()).filter((s) =>
      s !== ""
    );
    if (seeds.length === 0) throw new UsageError("--seeds is empty");
  } else {
    const user = requiredFlag(v, "user");
    const path = requiredFlag(v, "sessions");
    const history: Session[] = [];
    for await (const s of readSessions(path, { format })) {
      if (s.user === user) history.push(s);
    }
    if (history.length === 0) {
      throw new InputError({ file: path }, `no sessions of user "${user}"`);
    }
    seeds = seedAccounts(history, { mode: seedMode });
  }
  const model = await loadModel(modelPath);
  const unknown: string[] = [];
  const recs = recommendAccounts(model, seeds, { k, strategy, unknown });
  if (unknown.length === seeds.length) {
    throw new InputError(
      { file: modelPath },
      `none of the seed accounts is in the model: ${
        seeds.slice(0, 5).join(", ")
      }${seeds.length > 5 ? ", …" : ""}`,
    );
  }
  if (unknown.length > 0 && !v.json) {
    console.error(
      `warning: ${unknown.length} seed account(s) not in the model, skipped: ${
        unknown.join(", ")
      }`,
    );
  }
  if (v.json) {
    console.log(JSON.stringify(
      {
        seeds,
        unknown_seeds: unknown,
        strategy,
        accounts: recs.map((r) => ({
          account: r.account,
          similarity: round(r.score),
          because: r.because,
        })),
      },
      null,
      2,
    ));
    return EXIT_OK;
  }
  console.log(
    formatTable(
      recs.map((r, i) => [i + 1, r.account, r.score, r.because.join(", ")]),
      ["#", "account", "similarity", "because you engaged with"],
      { color: useColor(), precision: 4 },
    ).trimEnd(),
  );
  return EXIT_OK;
}
