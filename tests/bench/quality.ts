/**
 * Quality benchmark: next-item HitRate@20 and MRR@20 of our trainer under
 * word2vec's defaults, the sessions preset and variants of it, against gensim
 * Word2Vec and fastText skip-gram run as external programs, every model scored
 * by the same `evaluate()`.
 *
 * Datasets, read from `$EXPLORE2VEC_DATA`, `--data DIR` or `../shared/data/`
 * beside the checkout (the run prints a message and exits 0 when none is
 * there): Yoochoose 100k (its own train/test files), Diginetica sample (time
 * split, last 10% of sessions) and MovieLens latest-small (leave-last-out per
 * user, plus genre agreement of the 10 nearest neighbours against the 10 most
 * popular movies).
 *
 * Output: one markdown section per dataset, a preset sensitivity table (one
 * setting changed at a time from the preset, on every dataset), and a summary
 * with the acceptance checks, on stdout; progress on stderr.
 *
 * Run: `deno task bench:quality [--quick] [--seeds N] [--variant-seeds N]
 * [--sweep-seeds N] [--no-sweep] [--only NAME] [--data DIR]`.
 * gensim is run with the Python that can import it (`$PYTHON`, `python3` or
 * `/usr/bin/python3`), fastText with `fasttext` on the PATH; a missing peer is
 * reported and its rows are left out.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { categoryAgreement, evaluate } from "../../src/evaluate.ts";
import type { Model } from "../../src/model.ts";
import { loadModel } from "../../src/model_io.ts";
import { leaveLastOut, splitByTime } from "../../src/split.ts";
import { train, trainSync } from "../../src/train.ts";
import {
  resolveTrainOptions,
  SESSION_PRESET,
  type TrainOptions,
  type TrainParams,
} from "../../src/train_options.ts";

const GENSIM_SCRIPT = new URL("./gensim_word2vec.py", import.meta.url);
const K = 20;
const GENRE_K = 10;
const GENRE_SAMPLE = 400;
/** Above this mean session length the quadratic `session` window is skipped. */
const SESSION_MODE_MAX_MEAN_LENGTH = 50;

/** Our defaults: word2vec's and gensim's, with min-count 1. */
const NLP: TrainOptions = { preset: "word2vec" };
/** The recommended settings for session data. */
const PRESET: TrainOptions = { preset: "sessions" };

interface Dataset {
  name: string;
  /** Short name for the summary's columns. */
  short: string;
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
  /** Key for the summary, when the row takes part in it. */
  key?: string;
  name: string;
  runs: Measure[];
  note?: string;
}

interface DatasetResult {
  dataset: Dataset;
  rows: Row[];
  /** Test cases evaluated: the denominator of HitRate. */
  cases: number;
}

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    seeds: { type: "string" },
    "variant-seeds": { type: "string" },
    "sweep-seeds": { type: "string" },
    "no-sweep": { type: "boolean" },
    only: { type: "string" },
    data: { type: "string" },
  },
});
const quick = flags.quick === true;
const seedList = (count: number): number[] =>
  Array.from({ length: count }, (_, i) => i + 1);
const seeds = seedList(Number(flags.seeds ?? (quick ? 1 : 3)));
const variantSeeds = seedList(
  Number(flags["variant-seeds"] ?? (quick ? 1 : seeds.length)),
);
const sweepSeeds = seedList(Number(flags["sweep-seeds"] ?? 2));
const sweep = !quick && flags["no-sweep"] !== true;

function log(message: string): void {
  console.error(`[quality] ${message}`);
}

function dataDirectory(): string {
  const given = flags.data ?? Deno.env.get("EXPLORE2VEC_DATA");
  if (given !== undefined && given !== "") {
    return given.endsWith("/") ? given : `${given}/`;
  }
  return new URL("../../../shared/data/", import.meta.url).pathname;
}

function readLines(path: string): string[][] {
  return Deno.readTextFileSync(path)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/));
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function loadDatasets(data: string, tmp: string): Dataset[] {
  const out: Dataset[] = [];
  const write = (name: string, sessions: string[][]): string => {
    const path = `${tmp}/${name}.train.txt`;
    Deno.writeTextFileSync(
      path,
      sessions.map((s) => s.join(" ")).join("\n") + "\n",
    );
    return path;
  };
  const yc = `${data}yoochoose-100k/`;
  if (exists(`${yc}sessions_train.txt`)) {
    const trainFile = `${yc}sessions_train.txt`;
    out.push({
      name: "Yoochoose 100k",
      short: "Yoochoose",
      train: readLines(trainFile),
      test: readLines(`${yc}sessions_test.txt`),
      trainFile,
    });
  } else log(`no ${yc}sessions_train.txt: Yoochoose skipped`);
  const dg = `${data}diginetica-sample/sessions.txt`;
  if (exists(dg)) {
    const { train, test } = splitByTime(readLines(dg), { testFraction: 0.1 });
    out.push({
      name: "Diginetica sample",
      short: "Diginetica",
      train,
      test,
      trainFile: write("diginetica", train),
    });
  } else log(`no ${dg}: Diginetica skipped`);
  const ml = `${data}movielens-latest-small/`;
  if (exists(`${ml}sessions.txt`)) {
    const { train, test } = leaveLastOut(readLines(`${ml}sessions.txt`), {
      minLength: 3,
    });
    const categories = new Map<string, string[]>();
    for (const line of Deno.readTextFileSync(`${ml}genres.tsv`).split("\n")) {
      const [id, genres] = line.split("\t");
      if (id === undefined || genres === undefined) continue;
      const list = genres.trim() === "(no genres listed)"
        ? []
        : genres.trim().split("|");
      categories.set(id, list);
    }
    out.push({
      name: "MovieLens latest-small",
      short: "MovieLens",
      train,
      test,
      trainFile: write("movielens", train),
      categories,
    });
  } else log(`no ${ml}sessions.txt: MovieLens skipped`);
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

/** Trains ours through `train()`, which runs `options.threads` Workers, and scores it. */
async function ours(
  dataset: Dataset,
  options: TrainOptions,
  seed: number,
): Promise<Measure> {
  const start = performance.now();
  const model = await train(dataset.train, { ...options, seed });
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

let fastTextFound: boolean | undefined;

async function hasFastText(): Promise<boolean> {
  if (fastTextFound !== undefined) return fastTextFound;
  try {
    await new Deno.Command("fasttext", { stdout: "null", stderr: "null" })
      .output();
    return (fastTextFound = true);
  } catch {
    return (fastTextFound = false);
  }
}

async function commandText(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(stdout).trim();
  } catch {
    return "";
  }
}

/** Extra gensim settings beyond the shared ones (gensim's own defaults). */
interface GensimExtra {
  /** gensim's `min_alpha`; by default `lr × 1e-4` as in word2vec and our trainer. */
  minAlpha?: number;
}

async function gensim(
  dataset: Dataset,
  p: TrainParams,
  seed: number,
  tmp: string,
  extra: GensimExtra = {},
): Promise<Measure> {
  const python = await findPython();
  if (python === null) throw new Error("gensim is not installed");
  const out = `${tmp}/gensim.txt`;
  const params = {
    dim: p.dim,
    window: p.window,
    negatives: p.negatives,
    epochs: p.epochs,
    lr: p.lr,
    minAlpha: extra.minAlpha ?? p.lr * 1e-4,
    minCount: p.minCount,
    sample: p.sample,
    nsExponent: p.nsExponent,
    shrinkWindows: p.windowMode === "shrinking",
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

/** fastText's flags for the settings `p` (no subwords, one thread). */
function fastTextArgs(p: TrainParams): string[] {
  return [
    "-dim",
    String(p.dim),
    "-ws",
    String(p.window),
    "-neg",
    String(p.negatives),
    "-epoch",
    String(p.epochs),
    "-lr",
    String(p.lr),
    "-t",
    String(p.sample),
    "-minCount",
    String(p.minCount),
  ];
}

async function fastText(
  dataset: Dataset,
  p: TrainParams,
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
      ...fastTextArgs(p),
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
  // fastText adds a line-end token `</s>` to every line; it is no account.
  const vec = `${prefix}.vec`;
  const lines = Deno.readTextFileSync(vec).split("\n");
  const kept = lines.slice(1).filter((l) => l !== "" && !l.startsWith("</s> "));
  const dim = lines[0]!.trim().split(/\s+/)[1];
  Deno.writeTextFileSync(vec, `${kept.length} ${dim}\n${kept.join("\n")}\n`);
  return score(await loadModel(vec), dataset, seconds);
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

function signed(value: number, digits = 2): string {
  return `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;
}

function table(dataset: Dataset, rows: Row[]): string {
  const genre = dataset.categories !== undefined;
  const header = [
    "configuration",
    "seeds",
    `HR@${K} (%)`,
    `MRR@${K} (%)`,
    "train s",
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
      String(r.length),
      cell(r.map((m) => m.hitRate), 100, 2),
      cell(r.map((m) => m.mrr), 100, 2),
      cell(r.map((m) => m.seconds), 1, 1),
      ...(genre ? [cell(r.map((m) => m.genre ?? 0), 100, 1)] : []),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  if (genre) {
    const base = rows.find((r) => r.runs[0]?.genreBaseline !== undefined);
    if (base) {
      lines.push(
        "",
        `genre@${GENRE_K}: share of a movie's ${GENRE_K} nearest neighbours sharing a genre with it (${GENRE_SAMPLE} sampled movies). Popularity baseline (the ${GENRE_K} most rated movies instead): ${
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
    : stats(row.runs.map((m) => m.hitRate)).mean * 100;
}

function describeParams(p: TrainParams): string {
  return `window ${p.window} ${p.windowMode}, sample ${p.sample}, ${p.epochs} epochs, ${p.negatives} negatives, unigram α ${p.nsExponent}`;
}

async function runDataset(
  dataset: Dataset,
  tmp: string,
): Promise<DatasetResult> {
  const rows: Row[] = [];
  const gensimOk = (await findPython()) !== null;
  const fastTextOk = await hasFastText();
  const nlp = resolveTrainOptions(NLP);
  const preset = resolveTrainOptions(PRESET);
  const run = async (
    key: string | undefined,
    name: string,
    fn: (seed: number) => Promise<Measure> | Measure,
    runSeeds: number[],
    note?: string,
  ): Promise<void> => {
    const row: Row = { key, name, runs: [], note };
    for (const seed of runSeeds) {
      const measure = await fn(seed);
      row.runs.push(measure);
      log(
        `${dataset.short} | ${name} | seed ${seed}: HR@${K} ${
          (measure.hitRate * 100).toFixed(2)
        } MRR@${K} ${(measure.mrr * 100).toFixed(2)} (${
          measure.seconds.toFixed(2)
        }s)`,
      );
    }
    rows.push(row);
  };

  await run(
    "ours-nlp",
    "ours, gensim-equal settings (NLP defaults)",
    (s) => ours(dataset, NLP, s),
    seeds,
  );
  if (gensimOk) {
    await run(
      "gensim-nlp",
      "gensim, its defaults (= the same NLP settings)",
      (s) => gensim(dataset, nlp, s, tmp),
      seeds,
    );
  }
  if (fastTextOk) {
    await run(
      "fasttext-nlp",
      "fastText, the same NLP settings",
      (s) => fastText(dataset, nlp, s, tmp),
      seeds,
    );
  }
  await run(
    "ours-preset",
    `ours, sessions preset (${describeParams(preset)})`,
    (s) => ours(dataset, PRESET, s),
    seeds,
  );
  if (gensimOk) {
    await run(
      "gensim-preset",
      "gensim, the preset's settings",
      (s) => gensim(dataset, preset, s, tmp),
      seeds,
    );
  }
  if (gensimOk) {
    await run(
      "gensim-true-defaults",
      "gensim, skip-gram with min_count 5 and min_alpha 1e-4 (its true defaults)",
      (s) =>
        gensim(dataset, { ...nlp, minCount: 5 }, s, tmp, { minAlpha: 1e-4 }),
      [1],
    );
  }
  await run(
    "ours-nlp-noself",
    "ours, NLP defaults, selfPairs off",
    (s) => ours(dataset, { ...NLP, selfPairs: false }, s),
    variantSeeds,
  );
  await run(
    "ours-preset-noself",
    "ours, preset, selfPairs off",
    (s) => ours(dataset, { ...PRESET, selfPairs: false }, s),
    variantSeeds,
  );
  await run(
    "ours-preset-threads2",
    "ours, preset, 2 threads (Hogwild, not bit-reproducible)",
    (s) => ours(dataset, { ...PRESET, threads: 2 }, s),
    variantSeeds,
  );
  const variants: [string, string, TrainOptions][] = [
    [
      "uniform",
      "sampler uniform (the distribution of unigram α 0)",
      { sampler: "uniform" },
    ],
  ];
  for (const alpha of [0.75, 0, -0.5]) {
    if (alpha !== preset.nsExponent) {
      variants.push([
        `alpha${alpha}`,
        `unigram α ${alpha}`,
        { nsExponent: alpha },
      ]);
    }
  }
  variants.push(
    ["hard", "sampler hard", { sampler: "hard" }],
    ["mixed", "sampler mixed (½ hard)", { sampler: "mixed" }],
  );
  if (preset.windowMode !== "fixed") {
    variants.push(["fixed", "fixed window", { windowMode: "fixed" }]);
  }
  if (preset.windowMode !== "shrinking") {
    variants.push(["shrinking", "shrinking window", {
      windowMode: "shrinking",
    }]);
  }
  const tokens = dataset.train.reduce((a, s) => a + s.length, 0);
  const meanLength = tokens / dataset.train.length;
  const longSessions = meanLength > SESSION_MODE_MAX_MEAN_LENGTH;
  if (!longSessions) {
    variants.push(["session", "session window", { windowMode: "session" }]);
  }
  for (const [key, name, change] of variants) {
    await run(
      key,
      `ours, preset + ${name}`,
      (s) => ours(dataset, { ...PRESET, ...change }, s),
      variantSeeds,
    );
  }
  const probe = evaluate(
    trainSync(dataset.train, { dim: 4, epochs: 1 }),
    dataset.test,
    { k: [K] },
  );
  const known = new Set(dataset.train.flat());
  const hardMass = sessionMass(dataset.train, preset.nsExponent);
  const answerable =
    dataset.test.filter((s) =>
      s.length >= 2 && known.has(s.at(-1)!) && known.has(s.at(-2)!) &&
      s.at(-1) !== s.at(-2)
    ).length;
  const lines = [
    `### ${dataset.name}\n`,
    `${dataset.train.length} training sessions (${tokens} items, mean length ${
      meanLength.toFixed(1)
    }), ${dataset.test.length} test sessions: ${probe.sessions} evaluated, of which ${probe.unknownTargets} have a target and ${probe.unknownQueries} a query unseen in training, and ${probe.repeatedTargets} repeat the query item (all misses for every model), which leaves ${answerable} answerable (the most HR@${K} can reach is ${
      (100 * answerable / Math.max(1, probe.sessions)).toFixed(1)
    }%). One hit is ${
      (100 / probe.sessions).toFixed(2)
    } HR points; the test set's own sampling sd at the preset's HitRate is ${
      binomialSd(
        meanHr(rows.find((r) => r.key === "ours-preset")) / 100,
        probe.sessions,
      ).toFixed(2)
    } points, whatever the seeds. The hard sampler leaves out the accounts of the center's session, on average ${
      (hardMass * 100).toFixed(2)
    }% of the unigram^${preset.nsExponent} negative mass here.\n`,
  ];
  if (longSessions) {
    lines.push(
      `The session window (every pair of a session) is skipped: the mean session length is ${
        meanLength.toFixed(0)
      } (over ${SESSION_MODE_MAX_MEAN_LENGTH}), so its pairs grow with the square of that.\n`,
    );
  }
  lines.push(table(dataset, rows), "");
  console.log(lines.join("\n"));
  return { dataset, rows, cases: probe.sessions };
}

/**
 * The share of the count^α negative distribution that falls on the accounts
 * of the center's own session, averaged over every training token: what the
 * hard sampler leaves out.
 */
function sessionMass(sessions: string[][], alpha: number): number {
  const counts = new Map<string, number>();
  for (const s of sessions) {
    for (const a of s) counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  let total = 0;
  for (const c of counts.values()) total += c ** alpha;
  let weighted = 0;
  let tokens = 0;
  for (const s of sessions) {
    let mass = 0;
    for (const a of new Set(s)) mass += counts.get(a)! ** alpha;
    weighted += (mass / total) * s.length;
    tokens += s.length;
  }
  return weighted / Math.max(tokens, 1);
}

function onOff(diff: number): string {
  return diff > 0 ? "on is better" : diff < 0 ? "off is better" : "equal";
}

function binomialSd(p: number, n: number): number {
  return Math.sqrt(p * (1 - p) / Math.max(n, 1)) * 100;
}

/** One setting changed from the preset, for the sensitivity table. */
function sweepSettings(): [string, TrainOptions][] {
  const p = resolveTrainOptions(PRESET);
  const out: [string, TrainOptions][] = [["the preset", {}]];
  const add = <T>(
    label: string,
    values: T[],
    current: T,
    change: (v: T) => TrainOptions,
  ): void => {
    for (const v of values) {
      if (v !== current) out.push([`${label} ${v}`, change(v)]);
    }
  };
  add("window", [1, 2, 3, 5, 8], p.window, (v) => ({ window: v }));
  add(
    "sample",
    [0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3],
    p.sample,
    (v) => ({ sample: v }),
  );
  add("epochs", [5, 10, 20, 30, 50, 100], p.epochs, (v) => ({ epochs: v }));
  add(
    "unigram α",
    [-0.5, 0, 0.5, 0.75, 1],
    p.nsExponent,
    (v) => ({ nsExponent: v }),
  );
  add("negatives", [5, 10, 20], p.negatives, (v) => ({ negatives: v }));
  return out;
}

async function runSweep(datasets: Dataset[]): Promise<void> {
  const settings = sweepSettings();
  const results = settings.map(() => datasets.map(() => [] as number[]));
  for (let d = 0; d < datasets.length; d++) {
    const dataset = datasets[d]!;
    for (let i = 0; i < settings.length; i++) {
      const [label, change] = settings[i]!;
      for (const seed of sweepSeeds) {
        const m = await ours(dataset, { ...PRESET, ...change }, seed);
        results[i]![d]!.push(m.hitRate * 100);
      }
      log(
        `${dataset.short} | sweep ${label}: HR@${K} ${
          stats(results[i]![d]!).mean.toFixed(2)
        }`,
      );
    }
  }
  const header = [
    "change from the preset",
    ...datasets.map((d) => `${d.short} HR@${K}`),
    "mean Δ vs preset",
    "worst Δ",
  ];
  const lines = [
    "### Preset sensitivity\n",
    `Our trainer with one setting of the sessions preset (${
      describeParams(resolveTrainOptions(PRESET))
    }) changed at a time; HR@${K} (%) as the mean over seeds ${
      sweepSeeds.join(", ")
    }; Δ in HR points against the preset's row, averaged over the datasets and the worst of them.\n`,
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  const base = results[0]!.map((r) => stats(r).mean);
  for (let i = 0; i < settings.length; i++) {
    const means = results[i]!.map((r) => stats(r).mean);
    const deltas = means.map((m, d) => m - base[d]!);
    lines.push(
      `| ${
        [
          settings[i]![0],
          ...means.map((m) => m.toFixed(2)),
          signed(stats(deltas).mean),
          signed(Math.min(...deltas)),
        ].join(" | ")
      } |`,
    );
  }
  lines.push("");
  console.log(lines.join("\n"));
}

function summary(results: DatasetResult[]): void {
  const find = (r: DatasetResult, key: string): Row | undefined =>
    r.rows.find((row) => row.key === key);
  const keys: [string, string][] = [
    ["ours-nlp", "ours, NLP defaults (= gensim's settings)"],
    ["gensim-nlp", "gensim, its defaults (same settings)"],
    ["fasttext-nlp", "fastText, same settings"],
    ["ours-preset", "ours, sessions preset"],
    ["gensim-preset", "gensim, the preset's settings"],
    ["ours-nlp-noself", "ours, NLP defaults, selfPairs off"],
    ["ours-preset-noself", "ours, preset, selfPairs off"],
    ["ours-preset-threads2", "ours, preset, 2 threads"],
    ["hard", "ours, preset + sampler hard"],
    ["mixed", "ours, preset + sampler mixed"],
  ];
  const header = [
    "configuration",
    ...results.map((r) => `${r.dataset.short} HR@${K} (%)`),
  ];
  const lines = [
    "### Summary\n",
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const [key, label] of keys) {
    if (!results.some((r) => find(r, key) !== undefined)) continue;
    lines.push(
      `| ${
        [
          label,
          ...results.map((r) =>
            cell((find(r, key)?.runs ?? []).map((m) => m.hitRate), 100, 2)
          ),
        ].join(" | ")
      } |`,
    );
  }
  lines.push("", "Acceptance checks (differences of mean HR@20 in points):\n");
  const check = (
    label: string,
    a: string,
    b: string,
    verdict: (diff: number) => string,
  ): void => {
    const parts: string[] = [];
    for (const r of results) {
      const x = meanHr(find(r, a));
      const y = meanHr(find(r, b));
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      parts.push(`${r.dataset.short} ${signed(x - y)} (${verdict(x - y)})`);
    }
    if (parts.length > 0) lines.push(`- ${label}: ${parts.join("; ")}.`);
  };
  check(
    "ours − gensim, equal settings, within ±1",
    "ours-nlp",
    "gensim-nlp",
    (d) => (Math.abs(d) <= 1 ? "pass" : "FAIL"),
  );
  check(
    "ours − fastText, equal settings",
    "ours-nlp",
    "fasttext-nlp",
    (d) => (Math.abs(d) <= 1 ? "within ±1" : "outside ±1"),
  );
  check(
    "sessions preset − gensim's defaults, must be > 0",
    "ours-preset",
    "gensim-nlp",
    (d) => (d > 0 ? "pass" : "FAIL"),
  );
  check(
    "ours − gensim, both with the preset's settings",
    "ours-preset",
    "gensim-preset",
    (d) => (Math.abs(d) <= 1 ? "within ±1" : "outside ±1"),
  );
  for (const key of ["hard", "mixed"]) {
    const parts: string[] = [];
    for (const r of results) {
      const x = find(r, key);
      const y = find(r, "ours-preset");
      if (x === undefined || y === undefined) continue;
      const d = meanHr(x) - meanHr(y);
      const noise = Math.max(
        stats(x.runs.map((m) => m.hitRate * 100)).sd,
        stats(y.runs.map((m) => m.hitRate * 100)).sd,
        100 / r.cases,
      );
      const genre = x.runs[0]?.genre === undefined
        ? ""
        : `; genre@${GENRE_K} ${
          signed(
            (stats(x.runs.map((m) => m.genre!)).mean -
              stats(y.runs.map((m) => m.genre!)).mean) * 100,
            1,
          )
        }`;
      parts.push(
        `${r.dataset.short} ${signed(d)} (${
          d > 2 * noise ? "helps" : d < -2 * noise ? "hurts" : "no clear change"
        }${genre})`,
      );
    }
    if (parts.length > 0) {
      lines.push(
        `- ${key} negatives − unigram, on the preset (a change counts when it exceeds twice the larger seed sd and one hit): ${
          parts.join("; ")
        }.`,
      );
    }
  }
  check(
    "selfPairs on − off, NLP defaults",
    "ours-nlp",
    "ours-nlp-noself",
    onOff,
  );
  check(
    "selfPairs on − off, preset",
    "ours-preset",
    "ours-preset-noself",
    onOff,
  );
  // Within noise: the difference of means is at most twice the larger of the
  // two seed standard deviations, or at most one point.
  const threadParts: string[] = [];
  for (const r of results) {
    const one = find(r, "ours-preset");
    const two = find(r, "ours-preset-threads2");
    if (one === undefined || two === undefined) continue;
    const sdOf = (row: Row) => stats(row.runs.map((m) => m.hitRate * 100)).sd;
    const diff = meanHr(two) - meanHr(one);
    const noise = Math.max(1, 2 * Math.max(sdOf(one), sdOf(two)));
    threadParts.push(
      `${r.dataset.short} ${signed(diff)} (${
        Math.abs(diff) <= noise ? "within noise" : "OUTSIDE noise"
      }, bound ${noise.toFixed(2)})`,
    );
  }
  if (threadParts.length > 0) {
    lines.push(
      `- 2 threads − 1 thread, preset (within noise: |difference| ≤ max(1, 2 × the larger seed sd)): ${
        threadParts.join("; ")
      }.`,
    );
  }
  lines.push("");
  console.log(lines.join("\n"));
}

async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  const python = await findPython();
  const gensimVersion = python === null ? "absent" : await commandText(python, [
    "-c",
    "import gensim; print(gensim.__version__)",
  ]);
  const fastTextVersion = (await hasFastText())
    ? (await commandText("dpkg-query", ["-W", "-f=${Version}", "fasttext"])) ||
      "present"
    : "absent";
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${Deno.build.os}; Deno ${Deno.version.deno}, gensim ${gensimVersion}, fastText ${fastTextVersion}`;
}

async function main(): Promise<void> {
  const data = dataDirectory();
  if (!exists(data)) {
    console.log(
      `No data at ${data} (set EXPLORE2VEC_DATA or --data): nothing to benchmark.`,
    );
    return;
  }
  const tmp = await Deno.makeTempDir({ prefix: "e2v-quality-" });
  const started = performance.now();
  try {
    const datasets = loadDatasets(data, tmp).filter((d) =>
      flags.only === undefined ||
      d.name.toLowerCase().includes(String(flags.only).toLowerCase())
    );
    if (datasets.length === 0) {
      console.log(`No dataset found under ${data}: nothing to benchmark.`);
      return;
    }
    if ((await findPython()) === null) {
      log("gensim not found: its rows are left out");
    }
    if (!(await hasFastText())) {
      log("fasttext not found: its rows are left out");
    }
    const args = Deno.args.length > 0 ? ` ${Deno.args.join(" ")}` : "";
    console.log(
      [
        `## Quality benchmark: next-item HitRate@${K} / MRR@${K}\n`,
        `Command: \`deno task bench:quality${args}\` (${
          new Date().toISOString().slice(0, 16).replace("T", " ")
        } UTC). Machine: ${await machine()}.\n`,
        `Query = the item before the target, cosine over every other account; main rows over seeds ${
          seeds.join(", ")
        } and variants over seeds ${
          variantSeeds.join(", ")
        } (mean ± sd). "train s" is training time on one thread (fastText: the whole process). NLP defaults = word2vec's and gensim's skip-gram defaults with min-count 1: ${
          describeParams(resolveTrainOptions(NLP))
        }, lr 0.025 decaying linearly to 2.5e-6. Sessions preset = those with ${
          JSON.stringify(SESSION_PRESET)
        } on top. gensim runs skip-gram (sg=1) with negative sampling on one worker; fastText runs skipgram without subwords (minn = maxn = 0) on one thread, and its line-end token \`</s>\` is dropped from its vectors before scoring.\n`,
      ].join("\n"),
    );
    const results: DatasetResult[] = [];
    for (const dataset of datasets) {
      log(
        `${dataset.name}: ${dataset.train.length} train sessions, ${dataset.test.length} test sessions`,
      );
      results.push(await runDataset(dataset, tmp));
    }
    if (sweep) await runSweep(datasets);
    summary(results);
    console.log(
      `Total time ${((performance.now() - started) / 1000).toFixed(0)}s.`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) await main();
