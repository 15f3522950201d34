/**
 * Quality benchmark: next-item HitRate@20 and MRR@20 of our trainer under
 * several settings, against gensim Word2Vec and fastText skip-gram run as
 * external programs, all scored by the same `evaluate()`.
 *
 * Datasets (from `../shared/data/` beside the checkout; skipped when absent):
 * Yoochoose 100k (its own train/test files), Diginetica sample (time split,
 * last 10% of sessions) and MovieLens latest-small (leave-last-out per user,
 * plus genre agreement of the 10 nearest neighbours).
 *
 * Run: `deno run -A tests/bench/quality.ts [--quick] [--seeds N] [--only NAME]`.
 * Tables go to stdout as markdown, progress to stderr. gensim is run with the
 * Python that can import it (`$PYTHON`, `python3` or `/usr/bin/python3`);
 * fastText with `fasttext` on the PATH. Missing peers are reported and skipped.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { categoryAgreement, evaluate } from "../../src/evaluate.ts";
import type { Model } from "../../src/model.ts";
import { loadModel } from "../../src/model_io.ts";
import { leaveLastOut, splitByTime } from "../../src/split.ts";
import { trainSync } from "../../src/train.ts";
import type { TrainOptions } from "../../src/train_options.ts";
import { tune } from "../../src/tune.ts";

const DATA = new URL("../../../shared/data/", import.meta.url);
const GENSIM_SCRIPT = new URL("./gensim_word2vec.py", import.meta.url);
const K = 20;
const GENRE_K = 10;
const GENRE_SAMPLE = 400;

/** word2vec / gensim defaults, with min-count 1 (every account kept). */
const NLP_DEFAULTS: Required<
  Pick<
    TrainOptions,
    | "dim"
    | "window"
    | "negatives"
    | "sample"
    | "nsExponent"
    | "epochs"
    | "lr"
    | "minCount"
    | "windowMode"
    | "sampler"
  >
> = {
  dim: 100,
  window: 5,
  negatives: 5,
  sample: 1e-3,
  nsExponent: 0.75,
  epochs: 5,
  lr: 0.025,
  minCount: 1,
  windowMode: "shrinking",
  sampler: "unigram",
};

/**
 * Session settings after Caselles-Dupré et al. (RecSys 2018): small window,
 * negative exponent, more epochs, stronger subsampling. Their `1e-5` keeps
 * almost nothing of corpora this small (70k tokens: `s·T < 1`), so `1e-4`.
 */
const LITERATURE: TrainOptions = {
  ...NLP_DEFAULTS,
  window: 3,
  nsExponent: -0.5,
  sample: 1e-4,
  epochs: 50,
};
/** Above this mean session length the quadratic `session` window is skipped. */
const SESSION_MODE_MAX_MEAN_LENGTH = 50;

interface Dataset {
  name: string;
  train: string[][];
  test: string[][];
  /** The training sessions as a file, for the peers. */
  trainFile: string;
  categories?: Map<string, string[]>;
}

interface Measure {
  hitRate: number;
  mrr: number;
  seconds: number;
  genre?: number;
  genreBaseline?: number;
}

interface Row {
  name: string;
  runs: Measure[];
  note?: string;
}

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    seeds: { type: "string" },
    only: { type: "string" },
    budget: { type: "string" },
  },
});
const quick = flags.quick === true;
const seeds = Array.from(
  { length: Number(flags.seeds ?? (quick ? 1 : 3)) },
  (_, i) => i + 1,
);
const tuneBudget = Number(flags.budget ?? (quick ? 0 : 12));

function log(message: string): void {
  console.error(`[quality] ${message}`);
}

function readLines(path: string): string[][] {
  return Deno.readTextFileSync(path)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/));
}

function exists(url: URL): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch {
    return false;
  }
}

async function loadDatasets(tmp: string): Promise<Dataset[]> {
  const out: Dataset[] = [];
  const write = (name: string, sessions: string[][]): string => {
    const path = `${tmp}/${name}.train.txt`;
    Deno.writeTextFileSync(
      path,
      sessions.map((s) => s.join(" ")).join("\n") + "\n",
    );
    return path;
  };
  const yc = new URL("yoochoose-100k/", DATA);
  if (exists(yc)) {
    const trainFile = new URL("sessions_train.txt", yc).pathname;
    out.push({
      name: "Yoochoose 100k",
      train: readLines(trainFile),
      test: readLines(new URL("sessions_test.txt", yc).pathname),
      trainFile,
    });
  }
  const dg = new URL("diginetica-sample/sessions.txt", DATA);
  if (exists(dg)) {
    const { train, test } = splitByTime(readLines(dg.pathname), {
      testFraction: 0.1,
    });
    out.push({
      name: "Diginetica sample",
      train,
      test,
      trainFile: write("diginetica", train),
    });
  }
  const ml = new URL("movielens-latest-small/", DATA);
  if (exists(ml)) {
    const { train, test } = leaveLastOut(
      readLines(new URL("sessions.txt", ml).pathname),
      { minLength: 3 },
    );
    const categories = new Map<string, string[]>();
    for (
      const line of Deno.readTextFileSync(new URL("genres.tsv", ml)).split("\n")
    ) {
      const [id, genres] = line.split("\t");
      if (id === undefined || genres === undefined) continue;
      const list = genres.trim() === "(no genres listed)"
        ? []
        : genres.trim().split("|");
      categories.set(id, list);
    }
    out.push({
      name: "MovieLens latest-small",
      train,
      test,
      trainFile: write("movielens", train),
      categories,
    });
  }
  await Promise.resolve();
  return out;
}

function score(model: Model, dataset: Dataset, seconds: number): Measure {
  const report = evaluate(model, dataset.test, { k: [K] });
  const m: Measure = {
    hitRate: report.metrics[0]!.hitRate,
    mrr: report.metrics[0]!.mrr,
    seconds,
  };
  if (dataset.categories !== undefined) {
    const g = categoryAgreement(model, dataset.categories, {
      k: GENRE_K,
      sample: GENRE_SAMPLE,
      seed: 1,
    });
    m.genre = g.agreement;
    m.genreBaseline = g.popularityBaseline;
  }
  return m;
}

function ours(dataset: Dataset, options: TrainOptions, seed: number): Measure {
  const start = performance.now();
  const model = trainSync(dataset.train, { ...options, seed });
  return score(model, dataset, (performance.now() - start) / 1000);
}

let pythonCommand: string | null | undefined;

async function findPython(): Promise<string | null> {
  if (pythonCommand !== undefined) return pythonCommand;
  const candidates = [Deno.env.get("PYTHON"), "python3", "/usr/bin/python3"];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      const { success } = await new Deno.Command(candidate, {
        args: ["-c", "import gensim"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (success) return (pythonCommand = candidate);
    } catch {
      // not installed: try the next one
    }
  }
  return (pythonCommand = null);
}

async function hasFastText(): Promise<boolean> {
  try {
    await new Deno.Command("fasttext", { stdout: "null", stderr: "null" })
      .output();
    return true;
  } catch {
    return false;
  }
}

async function gensim(
  dataset: Dataset,
  options: TrainOptions,
  seed: number,
  tmp: string,
): Promise<Measure> {
  const python = await findPython();
  if (python === null) throw new Error("gensim is not installed");
  const out = `${tmp}/gensim.txt`;
  const params = {
    dim: options.dim ?? 100,
    window: options.window ?? 5,
    negatives: options.negatives ?? 5,
    epochs: options.epochs ?? 5,
    lr: options.lr ?? 0.025,
    minCount: options.minCount ?? 1,
    sample: options.sample ?? 1e-3,
    nsExponent: options.nsExponent ?? 0.75,
    shrinkWindows: (options.windowMode ?? "shrinking") === "shrinking",
    seed,
  };
  const result = await new Deno.Command(python, {
    args: [
      GENSIM_SCRIPT.pathname,
      dataset.trainFile,
      out,
      JSON.stringify(params),
    ],
    env: { PYTHONHASHSEED: "0" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(
      `gensim failed: ${new TextDecoder().decode(result.stderr).slice(-500)}`,
    );
  }
  const { seconds } = JSON.parse(new TextDecoder().decode(result.stdout));
  return score(await loadModel(out), dataset, seconds);
}

async function fastText(
  dataset: Dataset,
  args: string[],
  seed: number,
  tmp: string,
): Promise<Measure> {
  const prefix = `${tmp}/fasttext`;
  const start = performance.now();
  const result = await new Deno.Command("fasttext", {
    args: [
      "skipgram",
      "-input",
      dataset.trainFile,
      "-output",
      prefix,
      "-minn",
      "0",
      "-maxn",
      "0",
      "-bucket",
      "0",
      "-thread",
      "1",
      "-verbose",
      "0",
      "-seed",
      String(seed),
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - start) / 1000;
  if (!result.success) {
    throw new Error(
      `fasttext failed: ${new TextDecoder().decode(result.stderr).slice(-500)}`,
    );
  }
  return score(await loadModel(`${prefix}.vec`), dataset, seconds);
}

function stats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length < 2
    ? 0
    : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

function cell(values: number[], scale: number, digits: number): string {
  if (values.length === 0) return "–";
  const { mean, sd } = stats(values.map((v) => v * scale));
  return values.length > 1
    ? `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`
    : mean.toFixed(digits);
}

function table(dataset: Dataset, rows: Row[]): string {
  const genre = dataset.categories !== undefined;
  const header = [
    "configuration",
    `HR@${K} (%)`,
    `MRR@${K} (%)`,
    "seconds",
    ...(genre ? [`genre@${GENRE_K} (%)`] : []),
  ];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const row of rows) {
    const r = row.runs;
    const cells = [
      row.name + (row.note ? ` (${row.note})` : ""),
      cell(r.map((m) => m.hitRate), 100, 2),
      cell(r.map((m) => m.mrr), 100, 2),
      cell(r.map((m) => m.seconds), 1, 2),
      ...(genre ? [cell(r.map((m) => m.genre ?? 0), 100, 1)] : []),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  if (genre) {
    const base = rows.find((r) => r.runs[0]?.genreBaseline !== undefined);
    if (base) {
      lines.push(
        "",
        `Genre baseline (share of the ${GENRE_K} most popular movies sharing a genre with the query): ${
          (base.runs[0]!.genreBaseline! * 100).toFixed(1)
        }%.`,
      );
    }
  }
  return lines.join("\n");
}

function meanHr(row: Row | undefined): number {
  return row === undefined || row.runs.length === 0
    ? NaN
    : stats(row.runs.map((m) => m.hitRate)).mean;
}

function conclusion(rows: Row[]): string {
  const find = (name: string): Row | undefined =>
    rows.find((r) => r.name === name);
  const oursEqual = find("ours, NLP defaults");
  const gensimEqual = find("gensim, NLP defaults (min-count 1)");
  const best = rows
    .filter((r) => r.runs.length > 0)
    .reduce((a, b) => (meanHr(b) > meanHr(a) ? b : a));
  const oursBest = rows
    .filter((r) => r.name.startsWith("ours") && r.runs.length > 0)
    .reduce((a, b) => (meanHr(b) > meanHr(a) ? b : a));
  const parts: string[] = [];
  if (gensimEqual && gensimEqual.runs.length > 0) {
    const diff = (meanHr(oursEqual) - meanHr(gensimEqual)) * 100;
    parts.push(
      `with equal settings ours − gensim = ${diff >= 0 ? "+" : ""}${
        diff.toFixed(2)
      } HR@${K} points (${Math.abs(diff) <= 1 ? "within" : "outside"} ±1)`,
    );
    const over = (meanHr(oursBest) - meanHr(gensimEqual)) * 100;
    parts.push(
      `our best (${oursBest.name}) ${
        over >= 0 ? "beats" : "trails"
      } gensim defaults by ${Math.abs(over).toFixed(2)} points`,
    );
  }
  parts.push(
    `best overall: ${best.name}, HR@${K} ${(meanHr(best) * 100).toFixed(2)}%`,
  );
  return `Conclusion: ${parts.join("; ")}.`;
}

async function runDataset(dataset: Dataset, tmp: string): Promise<Row[]> {
  const rows: Row[] = [];
  const gensimOk = (await findPython()) !== null;
  const fastTextOk = await hasFastText();
  const run = async (
    name: string,
    fn: (seed: number) => Promise<Measure> | Measure,
    runSeeds: number[] = seeds,
    note?: string,
  ): Promise<void> => {
    const row: Row = { name, runs: [], note };
    for (const seed of runSeeds) {
      const measure = await fn(seed);
      row.runs.push(measure);
      log(
        `${dataset.name} | ${name} | seed ${seed}: HR@${K} ${
          (measure.hitRate * 100).toFixed(2)
        } MRR@${K} ${(measure.mrr * 100).toFixed(2)} (${
          measure.seconds.toFixed(2)
        }s)`,
      );
    }
    rows.push(row);
  };
  const epochs = quick ? 20 : (LITERATURE.epochs ?? 50);
  const literature: TrainOptions = { ...LITERATURE, epochs };

  await run("ours, NLP defaults", (s) => ours(dataset, NLP_DEFAULTS, s));
  if (gensimOk) {
    await run(
      "gensim, NLP defaults (min-count 1)",
      (s) => gensim(dataset, NLP_DEFAULTS, s, tmp),
    );
  }
  if (fastTextOk) {
    await run(
      "fastText, NLP defaults (min-count 1)",
      (s) =>
        fastText(
          dataset,
          [
            "-dim",
            "100",
            "-ws",
            "5",
            "-neg",
            "5",
            "-epoch",
            "5",
            "-lr",
            "0.025",
            "-t",
            "0.001",
            "-minCount",
            "1",
          ],
          s,
          tmp,
        ),
    );
  }
  const literatureName =
    `ours, session settings (window 3, α −0.5, sample 1e-4, ${epochs} epochs)`;
  await run(literatureName, (s) => ours(dataset, literature, s));
  if (gensimOk) {
    await run(
      `gensim, session settings (${epochs} epochs)`,
      (s) => gensim(dataset, literature, s, tmp),
    );
  }
  if (!quick && gensimOk) {
    await run(
      "gensim, true defaults (min-count 5)",
      (s) => gensim(dataset, { ...NLP_DEFAULTS, minCount: 5 }, s, tmp),
      [1],
    );
  }
  if (!quick && fastTextOk) {
    await run(
      "fastText, its defaults (lr 0.05, t 1e-4, min-count 5)",
      (s) => fastText(dataset, [], s, tmp),
      [1],
    );
  }
  const ablation: [string, TrainOptions][] = [
    ["sampler uniform", { sampler: "uniform" }],
    ["unigram α 0.75", { nsExponent: 0.75 }],
    ["unigram α 0", { nsExponent: 0 }],
    ["sampler hard", { sampler: "hard" }],
    ["sampler mixed (½ hard)", { sampler: "mixed" }],
    ["fixed window", { windowMode: "fixed" }],
  ];
  const tokens = dataset.train.reduce((a, s) => a + s.length, 0);
  const longSessions = tokens / dataset.train.length >
    SESSION_MODE_MAX_MEAN_LENGTH;
  if (!longSessions) {
    ablation.push(["session window", { windowMode: "session" }]);
  }
  for (const [name, change] of ablation) {
    await run(
      `ours, session settings + ${name}`,
      (s) => ours(dataset, { ...literature, ...change }, s),
    );
  }
  if (tuneBudget > 0) {
    log(`${dataset.name}: tuning with budget ${tuneBudget}`);
    const start = performance.now();
    const result = tune(dataset.train, {
      budget: tuneBudget,
      strategy: "halving",
      seed: 1,
      base: { dim: 100 },
      space: longSessions ? { windowMode: ["shrinking", "fixed"] } : {},
      onTrial: (t, done, total) =>
        log(
          `${dataset.name} | tune ${done}/${total}: ${
            JSON.stringify(t.options)
          } epochs ${t.epochsTrained} → HR ${(t.hitRate * 100).toFixed(2)}`,
        ),
    });
    const tuneSeconds = (performance.now() - start) / 1000;
    const o = result.best.options;
    await run(
      `ours, tuned (window ${o.window} ${o.windowMode}, ${o.epochs} epochs, ${o.negatives} neg, α ${o.nsExponent}, sample ${o.sample})`,
      (s) => ours(dataset, { ...NLP_DEFAULTS, ...o }, s),
      seeds,
      `search ${tuneSeconds.toFixed(0)}s`,
    );
    if (gensimOk) {
      await run(
        "gensim, our tuned settings",
        (s) => gensim(dataset, { ...NLP_DEFAULTS, ...o }, s, tmp),
        seeds,
        o.windowMode === "session"
          ? "session mode approximated by shrinking window"
          : undefined,
      );
    }
  }
  return rows;
}

async function main(): Promise<void> {
  if (!exists(DATA)) {
    console.log(`No data at ${DATA.pathname}: nothing to benchmark.`);
    return;
  }
  const tmp = await Deno.makeTempDir({ prefix: "e2v-quality-" });
  const started = performance.now();
  try {
    const datasets = (await loadDatasets(tmp)).filter((d) =>
      flags.only === undefined ||
      d.name.toLowerCase().includes(String(flags.only).toLowerCase())
    );
    if ((await findPython()) === null) log("gensim not found: skipped");
    if (!(await hasFastText())) log("fasttext not found: skipped");
    console.log(
      `# Quality: next-item HitRate@${K} / MRR@${K} (query = previous item, cosine; mean ± sd over seeds ${
        seeds.join(", ")
      })\n`,
    );
    for (const dataset of datasets) {
      log(
        `${dataset.name}: ${dataset.train.length} train sessions, ${dataset.test.length} test sessions`,
      );
      const rows = await runDataset(dataset, tmp);
      console.log(`## ${dataset.name}\n`);
      const probe = evaluate(
        trainSync(dataset.train, { dim: 4, epochs: 1 }),
        dataset.test,
        { k: [K] },
      );
      console.log(
        `${dataset.train.length} training sessions, ${dataset.test.length} test sessions: ${probe.sessions} evaluated, of which ${probe.unknownTargets} have a target and ${probe.unknownQueries} a query unseen in training, and ${probe.repeatedTargets} repeat the query item (all misses for every model).\n`,
      );
      console.log(table(dataset, rows));
      console.log(`\n${conclusion(rows)}\n`);
    }
    console.log(
      `Total time ${((performance.now() - started) / 1000).toFixed(0)}s.`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) await main();
