/**
 * The `plot` command: draws a model's embedding map as SVG, or the default
 * simulated world's coloured by topic. Also the categories TSV reader that
 * `serve` shares.
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
} from "./_cli_util.ts";
import { InputError } from "./errors.ts";
import { DEFAULT_WORLD_DIM, DEFAULT_WORLD_EPOCHS } from "./explore.ts";
import { loadModel } from "./model_io.ts";
import { plotToFile } from "./plot.ts";
import { simulateWorld } from "./simulate.ts";
import { trainSync } from "./train.ts";

const PLOT_USAGE = `Usage: deno task plot [--model MODEL] --out map.svg [flags]

Draws the embedding map: account vectors projected to 2-D, coloured by
category, the most frequent accounts labelled. Without --model, plots the
default simulated world's embeddings (seed 1) coloured by topic. Writes
atomically.

Flags:
  --model MODEL        native model or word2vec text/binary (default: the simulated world)
  --out FILE           where to write the SVG (required)
  --projection P       pca | tsne (default pca)
  --labels N           label the N most frequent accounts (default 30)
  --max-points N       draw at most N points, most frequent first (default 3000 pca, 1000 tsne)
  --categories FILE    TSV lines "account<TAB>category" colouring the points
                       (default: none; topics for the simulated world)
  --title T            heading (default "Account embeddings")
  --width N            image width in pixels (default 900)
  --height N           image height in pixels (default 650)

Examples:
  deno task plot --out map.svg
  deno task plot --model model.e2v --out map.svg --projection tsne --labels 20
  deno task plot --model vectors.bin --categories topics.tsv --max-points 2000 --out map.svg`;

/** Most labels accepted on the command line. */
const MAX_LABELS = 10_000;
/** Largest image side accepted on the command line, in pixels. */
const MAX_SIDE = 20_000;

/**
 * Runs `plot`.
 *
 * @param args The flags after the command name.
 * @returns The exit code: 0 written, 1 unreadable input, 2 bad flags.
 */
export async function runPlot(args: string[]): Promise<number> {
  return await runCommand(PLOT_USAGE, async () => {
    const v = parseFlags(args, {
      model: { type: "string" },
      out: { type: "string" },
      projection: { type: "string" },
      labels: { type: "string" },
      "max-points": { type: "string" },
      categories: { type: "string" },
      title: { type: "string" },
      width: { type: "string" },
      height: { type: "string" },
    });
    if (v.help) {
      console.log(PLOT_USAGE);
      return EXIT_OK;
    }
    const out = requiredFlag(v, "out");
    const projection = choiceFlag(v, "projection", ["pca", "tsne"] as const);
    const labels = numberFlag(v, "labels", {
      integer: true,
      min: 0,
      max: MAX_LABELS,
    });
    const maxPoints = numberFlag(v, "max-points", { integer: true, min: 1 });
    const width = numberFlag(v, "width", { min: 300, max: MAX_SIDE });
    const height = numberFlag(v, "height", { min: 200, max: MAX_SIDE });
    const title = typeof v.title === "string" ? v.title : undefined;
    const categoriesPath = typeof v.categories === "string"
      ? v.categories
      : undefined;
    let categories = categoriesPath === undefined
      ? undefined
      : await readCategories(categoriesPath);
    let model;
    let defaultTitle: string | undefined;
    if (typeof v.model === "string") {
      model = await loadModel(v.model);
    } else {
      const world = simulateWorld();
      model = trainSync(world.sessions, {
        dim: DEFAULT_WORLD_DIM,
        epochs: DEFAULT_WORLD_EPOCHS,
      });
      categories ??= new Map(world.accounts.map((a) => [a.id, a.topic]));
      defaultTitle =
        `Simulated world: ${model.size} accounts, ${world.topics.length} topics`;
    }
    await plotToFile(model, out, {
      projection,
      labels,
      maxPoints,
      width,
      height,
      title: title ?? defaultTitle,
      categories,
    });
    const drawn = Math.min(
      model.size,
      maxPoints ?? (projection === "tsne" ? 1000 : 3000),
    );
    console.error(
      `wrote the map of ${drawn} of ${model.size} accounts to ${out}`,
    );
    return EXIT_OK;
  });
}

/**
 * Reads account categories from a TSV file: one `account<TAB>category` line
 * per account; blank lines, `#` comments and an `account<TAB>category`
 * header are skipped; later lines win.
 *
 * @example
 * ```ts
 * import { readCategories } from "./_cli_plot.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.tsv`, "account\tcategory\ncats\tpets\n# note\ntravelgram\ttravel\n");
 * const categories = await readCategories(`${dir}/c.tsv`);
 * assert.deepEqual([...categories], [["cats", "pets"], ["travelgram", "travel"]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The TSV file.
 * @returns Category by account id.
 * @throws {InputError} When the file is unreadable or a line has no tab.
 */
export async function readCategories(
  path: string,
): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new InputError(
      { file: path },
      `cannot read categories: ${(error as Error).message}`,
    );
  }
  const categories = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.startsWith("#")) continue;
    const tab = line.indexOf("\t");
    if (tab <= 0) {
      throw new InputError(
        { file: path, line: i + 1 },
        `expected "account<TAB>category", got "${line.slice(0, 80)}"`,
      );
    }
    const account = line.slice(0, tab);
    const category = line.slice(tab + 1).trim();
    if (i === 0 && account.toLowerCase() === "account") continue;
    categories.set(account, category);
  }
  return categories;
}
