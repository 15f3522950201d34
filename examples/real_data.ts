/**
 * Real session data end to end: train with the `"sessions"` preset, measure
 * next-item HitRate@20 and MRR@20 on held-out sessions with `evaluate`, and
 * list the accounts most similar to a frequent one.
 *
 * The data are the YOOCHOOSE click sample (ACM RecSys Challenge 2015) as one
 * session per line, item ids separated by spaces, in
 * `../shared/data/yoochoose-100k/` beside the repository (resolved from this
 * file, not from the working directory): `sessions_train.txt` is trained on
 * and `sessions_test.txt` evaluated (when it is missing, the last 10% of the
 * training sessions are held out instead). Without the training file the
 * example simulates a world and holds out its latest sessions, so it runs
 * anywhere.
 *
 * Run:
 *   deno run -A examples/real_data.ts              # the data, else a simulated world
 *   deno run -A examples/real_data.ts --data DIR   # sessions_train.txt (and _test) in DIR
 */

import { parseArgs } from "node:util";
import {
  evaluate,
  readSessions,
  type Session,
  simulateWorld,
  splitByTime,
  train,
  type TrainOptions,
} from "../mod.ts";

/** The data directory, relative to the repository root. */
const DATA_DIR = "../shared/data/yoochoose-100k/";
const TRAIN_FILE = "sessions_train.txt";
const TEST_FILE = "sessions_test.txt";
/** Share of sessions held out when there is no test file. */
const TEST_FRACTION = 0.1;
/** The cut-off of the reported metrics. */
const K = 20;
/** Neighbours listed for the frequent account. */
const NEIGHBOURS = 10;

const { values } = parseArgs({
  args: Deno.args,
  options: {
    data: { type: "string" },
  },
  strict: true,
});

// The default directory is found from this file, so any working directory works.
const dataDir: string | URL = values.data ??
  new URL(DATA_DIR, new URL("../", import.meta.url));

const { label, trainSessions, testSessions } = await readData(dataDir) ??
  simulated();
console.log(
  `Data: ${label} (${trainSessions.length} training sessions, ${testSessions.length} test sessions)`,
);

// The preset suited to session logs: window 3, subsampling 1e-4, 30 epochs.
const options: TrainOptions = { preset: "sessions", seed: 1 };
const start = performance.now();
const model = await train(trainSessions, options);
console.log(
  `Trained ${model.size} accounts × ${model.dim} dimensions, ${model.params.epochs} epochs, in ${
    ((performance.now() - start) / 1000).toFixed(1)
  } s`,
);

// Next-item prediction: the item before the last one is the query, the last
// one the target, every other account is ranked by cosine similarity.
const report = evaluate(model, testSessions, { k: [K] });
const at = report.metrics[0]!;
console.log(
  `HitRate@${K}: ${at.hitRate.toFixed(4)}  MRR@${K}: ${
    at.mrr.toFixed(4)
  }  (${report.sessions} test sessions; ${report.unknownTargets} targets and ${report.unknownQueries} queries unseen in training count as misses)`,
);

// The vocabulary is ordered by count: index 0 is the most frequent account.
const frequent = model.vocab.word(0);
console.log(
  `Accounts most similar to ${frequent} (seen ${model.vocab.count(0)} times):`,
);
for (const [i, n] of model.similar(frequent, NEIGHBOURS).entries()) {
  console.log(
    `  ${String(i + 1).padStart(2)}. ${n.account.padEnd(12)} ${
      n.score.toFixed(4)
    }  (seen ${model.vocab.count(n.index)} times)`,
  );
}

/** Reads the training file and the test file (or a held-out share). */
async function readData(
  dir: string | URL,
): Promise<
  | { label: string; trainSessions: Session[]; testSessions: Session[] }
  | undefined
> {
  const trainPath = inDir(dir, TRAIN_FILE);
  const testPath = inDir(dir, TEST_FILE);
  if (!(await exists(trainPath))) {
    console.log(
      `No ${TRAIN_FILE} in ${String(dir)}: simulating a world instead.`,
    );
    return undefined;
  }
  const sessions = await collect(trainPath);
  const path = typeof dir === "string" ? dir : dir.pathname;
  const label = path.split("/").filter(Boolean).at(-1) ?? "data";
  if (await exists(testPath)) {
    return {
      label,
      trainSessions: sessions,
      testSessions: await collect(testPath),
    };
  }
  const split = splitByTime(sessions, { testFraction: TEST_FRACTION });
  return { label, trainSessions: split.train, testSessions: split.test };
}

/** A simulated world's sessions in time order, the latest held out. */
function simulated(): {
  label: string;
  trainSessions: Session[];
  testSessions: Session[];
} {
  const world = simulateWorld();
  const ordered = [...world.sessions].sort((a, b) => a.ts! - b.ts!);
  const split = splitByTime(ordered, { testFraction: TEST_FRACTION });
  return {
    label: `simulated world of ${world.accounts.length} accounts`,
    trainSessions: split.train,
    testSessions: split.test,
  };
}

function inDir(dir: string | URL, name: string): string | URL {
  return typeof dir === "string"
    ? `${dir.replace(/\/+$/, "")}/${name}`
    : new URL(name, dir);
}

async function collect(path: string | URL): Promise<Session[]> {
  const sessions: Session[] = [];
  for await (const session of readSessions(path)) sessions.push(session);
  return sessions;
}

async function exists(path: string | URL): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
