/**
 * The `explore2vec` command line: one entry, several subcommands.
 *
 * ```sh
 * deno run -A src/cli.ts <command> [flags]     # or: deno task <command> [flags]
 * ```
 *
 * Exit codes: 0 success, 1 failure (bad input file, failed work), 2 usage
 * (unknown command or flag, bad value).
 *
 * @module
 */

import {
  choiceFlag,
  EXIT_OK,
  EXIT_USAGE,
  formatDuration,
  numberFlag,
  parseFlags,
  Progress,
  requiredFlag,
  runCommand,
  UsageError,
} from "./_cli_util.ts";
import { buildCorpus, buildCorpusFromText } from "./corpus.ts";
import { loadModel, saveModel } from "./model_io.ts";
import { readSessions } from "./read_sessions.ts";
import {
  trainCorpus,
  trainCorpusParallel,
  type TrainProgress,
} from "./train.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { resolveTrainOptions, type TrainOptions } from "./train_options.ts";
import { runExplore, runRecommend } from "./_cli_explore.ts";
import { runEval, runTune } from "./_cli_quality.ts";

const MAIN_USAGE =
  `explore2vec — account embeddings from sessions, and an Explore recommender

Usage: deno task <command> [flags]      (or: deno run -A src/cli.ts <command> [flags])

Commands:
  explore    Simulate a world (or read yours), train, and show a user's Explore page
  train      Train embeddings from a sessions file and save the model
  similar    Print the accounts most similar to one account
  recommend  Recommend accounts for a user or a list of seed accounts
  eval       Next-item HitRate/MRR/NDCG of a model on test sessions
  tune       Search hyperparameters on your sessions
  export     Convert a model to word2vec text or binary
  plot       Draw the embedding map as SVG
  serve      Serve the Explore page and JSON API over HTTP

Run "deno task <command> --help" for a command's flags and examples.
Exit codes: 0 ok, 1 failure, 2 usage.`;

const TRAIN_USAGE = `Usage: deno task train --input FILE --out MODEL [flags]

Trains skip-gram embeddings with negative sampling from sessions.

Flags:
  --input FILE        sessions: text (one session per line), .jsonl or .csv
  --format F          text | jsonl | csv (default: from the file extension)
  --out MODEL         where to write the model (native format, written atomically)
  --preset P          word2vec | sessions (default word2vec; sessions = window 3,
                      sample 1e-4, 30 epochs, the recommended start for session logs);
                      flags below override it
  --dim N             vector dimension (default 100)
  --window N          context window radius (default 5)
  --window-mode M     shrinking | fixed | session (default shrinking)
  --negatives N       negatives per pair (default 5)
  --epochs N          passes over the data (default 5)
  --lr X              starting learning rate (default 0.025 sgd, 0.01 adam)
  --min-count N       drop accounts seen fewer times (default 1)
  --max-vocab N       keep only the N most frequent accounts
  --sample X          subsampling threshold, 0 = off (default 1e-3)
  --sampler S         unigram | uniform | hard | mixed (default unigram)
  --ns-exponent X     exponent of the negative distribution (default 0.75)
  --hard-fraction X   share of hard negatives with --sampler mixed (default 0.5)
  --optimizer O       sgd | adam (default sgd)
  --self-pairs B      true | false: pair an account with its own repeats (default true)
  --seed N            random seed (default 1)
  --threads N         worker threads (default 1: deterministic)
  --gap SECONDS       CSV: split a user's history after this much inactivity
  --checkpoint FILE   write a checkpoint after every --checkpoint-every epochs (threads 1)
  --checkpoint-every N  epochs between checkpoints (default 1)
  --resume FILE       continue from a checkpoint of the same input and flags
  --memory-limit MB   refuse up front a run whose memory estimate is larger

Progress goes to stderr; a one-line JSON summary goes to stdout ("seconds":
reading, training and writing; "trainSeconds": training alone).

Examples:
  deno task train --input ../shared/data/yoochoose-100k/sessions_train.txt --out yc.e2v
  deno task train --input sessions.csv --gap 1800 --dim 64 --epochs 20 --out model.e2v
  deno task train --input sessions.txt --preset sessions --threads 2 --out model.e2v`;

const SIMILAR_USAGE =
  `Usage: deno task similar --model MODEL --account ID [--k 10] [--json]

Prints the k accounts most similar to ID by cosine similarity.

Flags:
  --model MODEL       required: a native model or a word2vec text/binary file
                      (told apart by its content)
  --account ID        required: the account to start from
  --k N               how many accounts, 1..10000 (default 10)
  --json              print one JSON document instead of a table

Examples:
  deno task similar --model model.e2v --account catsdaily --k 5
  deno task similar --model vectors.bin --account 214536502 --json`;

const EXPORT_USAGE =
  `Usage: deno task export --model MODEL --format FORMAT --out FILE

Writes the model's account vectors in a word2vec format, readable by gensim
(KeyedVectors.load_word2vec_format), fastText tooling and the word2vec C tool.
Writes are atomic (temp file + rename).

Flags:
  --model MODEL       required: a native model or a word2vec text/binary file
  --format FORMAT     required: word2vec-text | word2vec-binary | native
  --out FILE          required: where to write

Examples:
  deno task export --model model.e2v --format word2vec-text --out vectors.txt
  deno task export --model model.e2v --format word2vec-binary --out vectors.bin`;

/**
 * Runs the CLI.
 *
 * @param args Command-line arguments: the command, then its flags.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "train":
      return await runCommand(TRAIN_USAGE, () => runTrain(rest));
    case "similar":
      return await runCommand(SIMILAR_USAGE, () => runSimilar(rest));
    case "export":
      return await runCommand(EXPORT_USAGE, () => runExport(rest));
    case "explore":
      return await runExplore(rest);
    case "recommend":
      return await runRecommend(rest);
    case "eval":
      return await runEval(rest);
    case "tune":
      return await runTune(rest);
    case "plot": {
      const { runPlot } = await import("./_cli_plot.ts");
      return await runPlot(rest);
    }
    case "serve": {
      const { runServe } = await import("./_cli_serve.ts");
      return await runServe(rest);
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(MAIN_USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    default:
      console.error(`error: unknown command "${command}"\n\n${MAIN_USAGE}`);
      return EXIT_USAGE;
  }
}

async function runTrain(args: string[]): Promise<number> {
  const v = parseFlags(args, {
    input: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
    dim: { type: "string" },
    window: { type: "string" },
    "window-mode": { type: "string" },
    preset: { type: "string" },
    "self-pairs": { type: "string" },
    negatives: { type: "string" },
    epochs: { type: "string" },
    lr: { type: "string" },
    "min-count": { type: "string" },
    "max-vocab": { type: "string" },
    sample: { type: "string" },
    sampler: { type: "string" },
    "ns-exponent": { type: "string" },
    "hard-fraction": { type: "string" },
    optimizer: { type: "string" },
    seed: { type: "string" },
    threads: { type: "string" },
    gap: { type: "string" },
    checkpoint: { type: "string" },
    "checkpoint-every": { type: "string" },
    resume: { type: "string" },
    "memory-limit": { type: "string" },
  });
  if (v.help) {
    console.log(TRAIN_USAGE);
    return EXIT_OK;
  }
  const input = requiredFlag(v, "input");
  const out = requiredFlag(v, "out");
  const format = choiceFlag(v, "format", ["text", "jsonl", "csv"] as const);
  const selfPairs = choiceFlag(v, "self-pairs", ["true", "false"] as const);
  const options: TrainOptions = {
    preset: choiceFlag(v, "preset", ["word2vec", "sessions"] as const),
    selfPairs: selfPairs === undefined ? undefined : selfPairs === "true",
    dim: numberFlag(v, "dim", { integer: true }),
    window: numberFlag(v, "window", { integer: true }),
    windowMode: choiceFlag(
      v,
      "window-mode",
      ["shrinking", "fixed", "session"] as const,
    ),
    negatives: numberFlag(v, "negatives", { integer: true }),
    epochs: numberFlag(v, "epochs", { integer: true }),
    lr: numberFlag(v, "lr"),
    minCount: numberFlag(v, "min-count", { integer: true }),
    maxVocab: numberFlag(v, "max-vocab", { integer: true }),
    sample: numberFlag(v, "sample"),
    sampler: choiceFlag(
      v,
      "sampler",
      ["unigram", "uniform", "hard", "mixed"] as const,
    ),
    nsExponent: numberFlag(v, "ns-exponent"),
    hardFraction: numberFlag(v, "hard-fraction"),
    optimizer: choiceFlag(v, "optimizer", ["sgd", "adam"] as const),
    seed: numberFlag(v, "seed", { integer: true }),
    threads: numberFlag(v, "threads", { integer: true }),
  };
  const gap = numberFlag(v, "gap", { min: 0 });
  const checkpointPath = v.checkpoint as string | undefined;
  const checkpointEvery = numberFlag(v, "checkpoint-every", {
    integer: true,
    min: 1,
  });
  const memoryLimitMb = numberFlag(v, "memory-limit", { min: 1 });
  const resume = typeof v.resume === "string"
    ? await loadCheckpoint(v.resume)
    : undefined;
  for (const key of Object.keys(options) as (keyof TrainOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  const params = resolveTrainOptions(options);
  const start = performance.now();
  const isText = (format ?? formatFromName(input)) === "text";
  const built = isText
    ? await buildCorpusFromText(input, {
      minCount: params.minCount,
      maxVocab: params.maxVocab,
      kernelMemory: params.threads > 1 ? "shared" : "plain",
    })
    : await buildCorpus(
      readSessions(input, {
        format,
        gapSeconds: gap,
      }),
      {
        minCount: params.minCount,
        maxVocab: params.maxVocab,
        kernelMemory: params.threads > 1 ? "shared" : "plain",
      },
    );
  const readSeconds = (performance.now() - start) / 1000;
  console.error(
    `read ${built.sessionsRead} sessions, ${built.tokensRead} tokens, ${built.vocab.size} accounts in ${
      formatDuration(readSeconds)
    }`,
  );
  // Training may take over the corpus memory: count its tokens first.
  const corpusTokens = built.corpus.ids.length;
  const progress = new Progress("train");
  let last: TrainProgress | undefined;
  const run = params.threads > 1 ? trainCorpusParallel : trainCorpus;
  const trainStart = performance.now();
  const model = await run(built.vocab, built.corpus, params, {
    checkpoint: checkpointPath === undefined
      ? undefined
      : { path: checkpointPath, every: checkpointEvery },
    resume,
    memoryLimit: memoryLimitMb === undefined
      ? undefined
      : memoryLimitMb * 1024 * 1024,
    onProgress: (p) => {
      last = p;
      const eta = p.tokensPerSecond > 0
        ? (p.tokensTotal - p.tokensDone) / p.tokensPerSecond
        : undefined;
      progress.update(
        p.tokensDone / Math.max(1, p.tokensTotal),
        `epoch ${p.epoch}/${p.epochs} ${
          formatRate(p.tokensPerSecond)
        } tokens/s loss ${p.meanLoss.toFixed(4)}`,
        eta,
        p.epochDone && p.epoch === p.epochs,
      );
    },
  });
  const trainSeconds = (performance.now() - trainStart) / 1000;
  progress.done();
  await saveModel(model, out);
  const seconds = (performance.now() - start) / 1000;
  const tokens = corpusTokens * params.epochs;
  console.log(JSON.stringify({
    model: out,
    accounts: model.vocab.size,
    sessions: built.sessionsRead,
    tokens: built.tokensRead,
    tokensTrained: tokens,
    epochs: params.epochs,
    seconds: round(seconds, 3),
    tokensPerSecond: Math.round(tokens / seconds),
    trainSeconds: round(trainSeconds, 3),
    finalLoss: last === undefined ? null : round(last.meanLoss, 6),
  }));
  return EXIT_OK;
}

async function runSimilar(args: string[]): Promise<number> {
  const v = parseFlags(args, {
    model: { type: "string" },
    account: { type: "string" },
    k: { type: "string" },
    json: { type: "boolean" },
  });
  if (v.help) {
    console.log(SIMILAR_USAGE);
    return EXIT_OK;
  }
  const path = requiredFlag(v, "model");
  const account = requiredFlag(v, "account");
  const k = numberFlag(v, "k", { integer: true, min: 1, max: 10_000 }) ?? 10;
  const model = await loadModel(path);
  if (!model.vocab.has(account)) {
    console.error(
      `error: unknown account "${account}" (the model has ${model.vocab.size} accounts)`,
    );
    return 1;
  }
  const neighbors = model.similar(account, k);
  if (v.json) {
    console.log(
      JSON.stringify({
        account,
        neighbors: neighbors.map((n) => ({
          account: n.account,
          score: n.score,
        })),
      }),
    );
    return EXIT_OK;
  }
  const width = Math.max(7, ...neighbors.map((n) => n.account.length));
  console.log(`accounts similar to ${account}:`);
  console.log(`${"rank".padStart(4)}  ${"account".padEnd(width)}  similarity`);
  neighbors.forEach((n, i) => {
    console.log(
      `${String(i + 1).padStart(4)}  ${n.account.padEnd(width)}  ${
        n.score.toFixed(4).padStart(10)
      }`,
    );
  });
  return EXIT_OK;
}

async function runExport(args: string[]): Promise<number> {
  const v = parseFlags(args, {
    model: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
  });
  if (v.help) {
    console.log(EXPORT_USAGE);
    return EXIT_OK;
  }
  const path = requiredFlag(v, "model");
  const out = requiredFlag(v, "out");
  const format = choiceFlag(
    v,
    "format",
    ["word2vec-text", "word2vec-binary", "native"] as const,
  );
  if (format === undefined) throw new UsageError("missing --format");
  const model = await loadModel(path);
  await saveModel(model, out, { format });
  console.error(
    `wrote ${model.vocab.size} vectors of dimension ${model.dim} to ${out} (${format})`,
  );
  return EXIT_OK;
}

function formatFromName(path: string): "text" | "jsonl" | "csv" {
  const lower = path.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  if (lower.endsWith(".csv")) return "csv";
  return "text";
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
