/**
 * The `eval` and `tune` subcommands: next-item quality of a model on held-out
 * sessions, and a hyperparameter search that prints the training command.
 *
 * @module
 */

import {
  choiceFlag,
  EXIT_OK,
  formatDuration,
  numberFlag,
  parseFlags,
  Progress,
  requiredFlag,
  runCommand,
  UsageError,
} from "./_cli_util.ts";
import {
  evaluate,
  type EvaluationQuery,
  type EvaluationReport,
} from "./evaluate.ts";
import { loadModel } from "./model_io.ts";
import { readSessions } from "./read_sessions.ts";
import type { Model } from "./model.ts";
import { trainSync } from "./train.ts";
import { resolveTrainOptions, type TrainOptions } from "./train_options.ts";
import {
  tune,
  type TunedOptions,
  type TuneResult,
  type TuneTrial,
  tuneTrialCount,
} from "./tune.ts";

const FORMATS = ["text", "jsonl", "csv"] as const;
const MAX_K = 100_000;
/** `eval` shows progress only once it has run this long. */
const EVAL_PROGRESS_AFTER_MS = 1000;

const EVAL_USAGE =
  `Usage: deno task eval --model MODEL --input FILE [--k 10,20] [--query last|mean:N] [--json]

Next-item prediction: for each test session of at least 2 items, rank every
account by cosine similarity to the second-to-last item (or the mean of the
last N items before the target) and score the rank of the last item.

Flags:
  --model MODEL       the model (native, word2vec text or binary)
  --input FILE        test sessions: text (one session per line), .jsonl or .csv
  --format F          text | jsonl | csv (default: from the file extension)
  --k LIST            cut-offs, comma separated (default 10,20)
  --query Q           last | mean:N (default last)
  --json              print one JSON document instead of the table

Results go to stdout; progress of long runs to stderr.

Example:
  deno task eval --model yc.e2v --input ../shared/data/yoochoose-100k/sessions_test.txt`;

const TUNE_USAGE =
  `Usage: deno task tune --input FILE [--budget N] [--sample 0.1] [--seed 1]

Searches window, window mode, epochs, negatives, negative exponent and
subsampling by validation HitRate@20 on the last 10% of the sessions, starting
from the sessions preset (the first trial), then prints the best settings,
their validation scores and the command that trains with them. Results go to
stdout; progress to stderr (a bar on a terminal, a line per trial otherwise).

Flags:
  --input FILE        training sessions in time order: text, .jsonl or .csv
  --format F          text | jsonl | csv (default: from the file extension)
  --budget N          configurations to try (default 20)
  --strategy S        random | halving (default random)
  --sample X          share of the sessions to search on, in (0, 1] (default 1)
  --validation X      share of the sessions held out, the last ones (default 0.1)
  --k N               cut-off of HitRate and MRR (default 20)
  --dim N             vector dimension, kept fixed (default 100)
  --seed N            seed of the search and of every run (default 1)
  --json              print one JSON document instead of the summary

Example:
  deno task tune --input ../shared/data/yoochoose-100k/sessions_train.txt --budget 12 --sample 0.5`;

/**
 * Runs `eval`.
 *
 * @param args The flags after the subcommand.
 * @returns The exit code: 0 ok, 1 input error, 2 usage.
 */
export async function runEval(args: string[]): Promise<number> {
  return await runCommand(EVAL_USAGE, async () => {
    const v = parseFlags(args, {
      model: { type: "string" },
      input: { type: "string" },
      format: { type: "string" },
      k: { type: "string" },
      query: { type: "string" },
      json: { type: "boolean" },
    });
    if (v.help) {
      console.log(EVAL_USAGE);
      return EXIT_OK;
    }
    const modelPath = requiredFlag(v, "model");
    const input = requiredFlag(v, "input");
    const format = choiceFlag(v, "format", FORMATS);
    const k = parseCutoffs(v.k as string | undefined);
    const query = parseQuery(v.query as string | undefined);
    const model = await loadModel(modelPath);
    const sessions: string[][] = [];
    for await (const s of readSessions(input, { format })) {
      sessions.push(s.accounts);
    }
    const progress = new Progress("eval");
    const start = performance.now();
    let shown = false;
    const report = evaluate(model, sessions, {
      k,
      query,
      onProgress: (read) => {
        const elapsed = performance.now() - start;
        if (elapsed < EVAL_PROGRESS_AFTER_MS) return;
        shown = true;
        const fraction = read / Math.max(1, sessions.length);
        progress.update(
          fraction,
          `${read}/${sessions.length} sessions`,
          (elapsed / 1000) * (1 - fraction) / Math.max(fraction, 1e-9),
          read === sessions.length,
        );
      },
    });
    if (shown) progress.done();
    if (v.json) {
      console.log(JSON.stringify({ model: modelPath, input, ...report }));
    } else {
      console.log(formatReport(report));
    }
    return EXIT_OK;
  });
}

/**
 * Runs `tune`.
 *
 * @param args The flags after the subcommand.
 * @returns The exit code: 0 ok, 1 input error, 2 usage.
 */
export async function runTune(args: string[]): Promise<number> {
  return await runCommand(TUNE_USAGE, async () => {
    const v = parseFlags(args, {
      input: { type: "string" },
      format: { type: "string" },
      budget: { type: "string" },
      strategy: { type: "string" },
      sample: { type: "string" },
      validation: { type: "string" },
      k: { type: "string" },
      dim: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean" },
    });
    if (v.help) {
      console.log(TUNE_USAGE);
      return EXIT_OK;
    }
    const input = requiredFlag(v, "input");
    const format = choiceFlag(v, "format", FORMATS);
    const budget = numberFlag(v, "budget", { integer: true, min: 1 });
    const strategy = choiceFlag(v, "strategy", ["random", "halving"] as const);
    const sample = numberFlag(v, "sample", { min: Number.MIN_VALUE, max: 1 });
    const validation = numberFlag(v, "validation", {
      min: Number.MIN_VALUE,
      max: 0.99,
    });
    const k = numberFlag(v, "k", { integer: true, min: 1, max: MAX_K });
    const dim = numberFlag(v, "dim", { integer: true, min: 1, max: 4096 });
    const seed = numberFlag(v, "seed", { integer: true });
    const sessions: string[][] = [];
    for await (const s of readSessions(input, { format })) {
      sessions.push(s.accounts);
    }
    const base: TrainOptions = dim === undefined ? {} : { dim };
    const total = tuneTrialCount(budget ?? 20, strategy ?? "random");
    const progress = new Progress("tune");
    const start = performance.now();
    let done = 0;
    let best: TuneTrial | undefined;
    const status = (fraction: number, detail: string, force = false): void => {
      const elapsed = (performance.now() - start) / 1000;
      const eta = fraction > 0
        ? elapsed * (1 - fraction) / fraction
        : undefined;
      const lead = best === undefined
        ? ""
        : `, best HR@${k ?? 20} ${best.hitRate.toFixed(4)}`;
      progress.update(fraction, `${detail}${lead}`, eta, force);
    };
    const trainer = (
      train: readonly (readonly string[])[],
      options: TrainOptions,
    ): Model =>
      trainSync(train, {
        ...options,
        onProgress: (p) =>
          status(
            (done + p.tokensDone / Math.max(1, p.tokensTotal)) / total,
            `trial ${done + 1}/${total} epoch ${p.epoch}/${p.epochs}`,
          ),
      });
    const result = tune(sessions, {
      budget,
      strategy,
      sample,
      validationFraction: validation,
      k,
      seed,
      base,
      start: [presetConfig()],
      trainer,
      onTrial: (trial) => {
        done++;
        if (
          best === undefined || trial.rung > best.rung ||
          (trial.rung === best.rung && (trial.hitRate > best.hitRate ||
            (trial.hitRate === best.hitRate && trial.mrr > best.mrr)))
        ) {
          best = trial;
        }
        status(
          done / total,
          `trial ${done}/${total}: ${describe(trial.options)}${
            trial.epochsTrained === trial.options.epochs
              ? ""
              : ` (trained ${trial.epochsTrained})`
          }${tag(trial)} → HR@${k ?? 20} ${trial.hitRate.toFixed(4)} MRR ${
            trial.mrr.toFixed(4)
          } (${formatDuration(trial.seconds)})`,
          true,
        );
      },
    });
    progress.done();
    const command = trainCommand(input, { ...base, ...result.best.options }, {
      format,
      seed,
    });
    if (v.json) {
      console.log(JSON.stringify({ input, ...result, command }));
    } else {
      console.log(formatTune(result, command));
    }
    return EXIT_OK;
  });
}

/**
 * The `deno task train` command line that trains with `options`.
 *
 * @param input The sessions file.
 * @param options The settings to pass.
 * @param extra The input format and seed, when given.
 * @returns The command, flags in a fixed order, negative numbers as `--flag=-x`.
 */
export function trainCommand(
  input: string,
  options: TrainOptions,
  extra: { format?: string; seed?: number; out?: string } = {},
): string {
  const parts = [
    "deno task train",
    `--input ${quote(input)}`,
    `--out ${quote(extra.out ?? "model.e2v")}`,
  ];
  if (extra.format !== undefined) parts.push(`--format ${extra.format}`);
  const flags: [string, number | string | undefined][] = [
    ["dim", options.dim],
    ["window", options.window],
    ["window-mode", options.windowMode],
    ["epochs", options.epochs],
    ["negatives", options.negatives],
    ["ns-exponent", options.nsExponent],
    ["sample", options.sample],
    ["seed", extra.seed],
  ];
  for (const [name, value] of flags) {
    if (value === undefined) continue;
    parts.push(
      typeof value === "number" && value < 0
        ? `--${name}=${value}`
        : `--${name} ${value}`,
    );
  }
  return parts.join(" ");
}

function quote(text: string): string {
  return /^[\w./:@+-]+$/.test(text)
    ? text
    : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Configuration id of the sessions preset in the search. */
const PRESET_ID = 0;

function tag(trial: TuneTrial): string {
  return trial.id === PRESET_ID ? " (the sessions preset)" : "";
}

/** The sessions preset as a tuner configuration: the search's first trial. */
function presetConfig(): TunedOptions {
  const p = resolveTrainOptions({ preset: "sessions" });
  return {
    window: p.window,
    windowMode: p.windowMode,
    epochs: p.epochs,
    nsExponent: p.nsExponent,
    sample: p.sample,
    negatives: p.negatives,
  };
}

function describe(o: TunedOptions): string {
  return `window ${o.window} ${o.windowMode}, epochs ${o.epochs}, negatives ${o.negatives}, α ${o.nsExponent}, sample ${o.sample}`;
}

function parseCutoffs(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const values = raw.split(",").map((s) => s.trim());
  const ks = values.map(Number);
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i]!;
    if (values[i] === "" || !Number.isInteger(k) || k < 1 || k > MAX_K) {
      throw new UsageError(
        `--k expects positive integers separated by commas, got "${raw}"`,
      );
    }
  }
  return ks;
}

function parseQuery(raw: string | undefined): EvaluationQuery | undefined {
  if (raw === undefined) return undefined;
  if (raw === "last") return "last";
  const match = /^mean:(\d+)$/.exec(raw);
  const n = match === null ? NaN : Number(match[1]);
  if (!(n >= 1)) {
    throw new UsageError(
      `--query must be last or mean:N (N >= 1), got "${raw}"`,
    );
  }
  return { mean: n };
}

function formatReport(report: EvaluationReport): string {
  const query = report.query === "last"
    ? "the second-to-last item"
    : `the mean of the last ${report.query.mean} items before the target`;
  const lines = [
    `${report.sessions} test sessions (${report.skipped} shorter than 2 skipped), query: ${query}`,
    `misses counted: ${report.unknownTargets} unknown targets, ${report.unknownQueries} unknown queries, ${report.repeatedTargets} targets equal to a query item`,
    "",
    `${"k".padStart(6)}  ${"HitRate".padStart(8)}  ${"MRR".padStart(8)}  ${
      "NDCG".padStart(8)
    }`,
  ];
  for (const m of report.metrics) {
    lines.push(
      `${String(m.k).padStart(6)}  ${m.hitRate.toFixed(4).padStart(8)}  ${
        m.mrr.toFixed(4).padStart(8)
      }  ${m.ndcg.toFixed(4).padStart(8)}`,
    );
  }
  return lines.join("\n");
}

function formatTune(result: TuneResult, command: string): string {
  const { best, k } = result;
  const ranked = result.trials
    .filter((t) => t.rung === best.rung)
    .sort((a, b) => b.hitRate - a.hitRate || b.mrr - a.mrr || a.id - b.id)
    .slice(0, 5);
  const lines = [
    `searched ${result.trials.length} trials on ${result.trainSessions} sessions, validated on the last ${result.validationSessions}`,
    "",
    `best: ${describe(best.options)}${tag(best)}`,
    `validation HitRate@${k} ${best.hitRate.toFixed(4)}, MRR@${k} ${
      best.mrr.toFixed(4)
    }`,
  ];
  // The preset is configuration 0; report its furthest rung.
  const preset = result.trials.filter((t) => t.id === PRESET_ID).at(-1);
  if (preset !== undefined && preset !== best) {
    lines.push(
      `sessions preset: validation HitRate@${k} ${
        preset.hitRate.toFixed(4)
      }, MRR@${k} ${preset.mrr.toFixed(4)}${
        preset.rung === best.rung
          ? ""
          : ` (at ${preset.epochsTrained} epochs, halving rung ${preset.rung})`
      }`,
    );
  }
  lines.push("", `top ${ranked.length}:`);
  for (const t of ranked) {
    lines.push(
      `  HR@${k} ${t.hitRate.toFixed(4)}  MRR@${k} ${t.mrr.toFixed(4)}  ${
        describe(t.options)
      }${tag(t)}`,
    );
  }
  lines.push("", "train with:", `  ${command}`);
  return lines.join("\n");
}
