/**
 * The command line on broken inputs and wrong command lines: a bad file
 * exits 1 with one line `error: file:line: problem` (or `file@offset`) on
 * stderr and no stack trace; an unknown flag or a bad value exits 2; `--help`
 * exits 0 for every command. Each case runs the real CLI in a subprocess.
 */

import assert from "node:assert/strict";
import { encodeModel } from "../src/model_io.ts";
import { Model } from "../src/model.ts";
import { Vocabulary } from "../src/vocab.ts";

const CLI = new URL("../src/cli.ts", import.meta.url).pathname;
const BAD = new URL("./data/bad/", import.meta.url).pathname;
const GOOD = new URL("./data/good/", import.meta.url).pathname;
const MODELS = new URL("./data/models/", import.meta.url).pathname;
const COMMANDS = [
  "train",
  "similar",
  "export",
  "explore",
  "recommend",
  "eval",
  "tune",
  "plot",
  "serve",
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<Run> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", CLI, ...args],
    env: { NO_COLOR: "1", EXPLORE2VEC_DEBUG: "0", RUST_BACKTRACE: "0" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs the command lines two at a time (the machine has two cores). */
async function cliAll(lines: string[][]): Promise<Run[]> {
  const runs: Run[] = new Array(lines.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < lines.length) {
      const i = next++;
      runs[i] = await cli(lines[i]!);
    }
  }
  await Promise.all([worker(), worker()]);
  return runs;
}

function assertNoStack(run: Run, label: string): void {
  assert.doesNotMatch(
    run.stderr,
    /^\s+at /m,
    `${label}: stack frame in\n${run.stderr}`,
  );
  assert.doesNotMatch(
    run.stderr,
    /Stack backtrace|Uncaught|\.ts:\d+:\d+/,
    `${label}:\n${run.stderr}`,
  );
}

/** Asserts exit 1 and exactly one stderr line `error: <where>: <problem>`. */
function assertInputFailure(
  run: Run,
  where: string,
  problem: RegExp,
  label: string,
): void {
  assert.equal(run.code, 1, `${label}: exit code, stderr:\n${run.stderr}`);
  assertNoStack(run, label);
  const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
  const errors = lines.filter((l) => l.startsWith("error:"));
  assert.equal(errors.length, 1, `${label}: one error line in\n${run.stderr}`);
  const line = errors[0]!;
  assert.ok(
    line.startsWith(`error: ${where}: `),
    `${label}: ${line} should start with error: ${where}:`,
  );
  assert.match(line, problem, label);
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "e2v_cli_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("cli train exits 1 with one line naming file and line of a broken sessions file, and writes no model", async () => {
  await withDir(async (dir) => {
    const out = `${dir}/model.e2v`;
    const cases: [string, string, RegExp][] = [
      [`${BAD}non_utf8.txt`, `${BAD}non_utf8.txt:2`, /invalid UTF-8/],
      [`${BAD}truncated.jsonl`, `${BAD}truncated.jsonl:2`, /invalid JSON/],
      [`${BAD}non_string_id.jsonl`, `${BAD}non_string_id.jsonl:2`, /string/],
      [
        `${BAD}wrong_columns.csv`,
        `${BAD}wrong_columns.csv:1`,
        /missing column/,
      ],
      [
        `${BAD}missing_field.csv`,
        `${BAD}missing_field.csv:4`,
        /expected 3 fields/,
      ],
      [
        `${BAD}unterminated_quote.csv`,
        `${BAD}unterminated_quote.csv:2`,
        /unterminated/,
      ],
      [`${BAD}bad_timestamp.csv`, `${BAD}bad_timestamp.csv:3`, /timestamp/],
      [`${dir}/missing.txt`, `${dir}/missing.txt`, /no such file/],
      [BAD.replace(/\/$/, ""), BAD.replace(/\/$/, ""), /directory/],
    ];
    const runs = await cliAll(
      cases.map((
        [input],
      ) => [
        "train",
        "--input",
        input,
        "--out",
        out,
        "--dim",
        "4",
        "--epochs",
        "1",
      ]),
    );
    cases.forEach(([input, where, problem], i) =>
      assertInputFailure(runs[i]!, where, problem, input)
    );
    await assert.rejects(() => Deno.stat(out), Deno.errors.NotFound);
  });
});

Deno.test("cli similar and export exit 1 with one line naming file and line or offset of a broken model", async () => {
  await withDir(async (dir) => {
    const model = new Model({
      vocab: new Vocabulary(["a", "b"], [2, 1]),
      dim: 2,
      input: Float32Array.of(1, 2, 3, 4),
    });
    const native = encodeModel(model);
    const cut = `${dir}/cut.e2v`;
    await Deno.writeFile(cut, native.subarray(0, native.length - 6));
    const flipped = native.slice();
    flipped[native.length - 8]! ^= 1;
    const corrupt = `${dir}/corrupt.e2v`;
    await Deno.writeFile(corrupt, flipped);
    const cases: [string, string, RegExp][] = [
      [
        `${MODELS}short_rows.txt`,
        `${MODELS}short_rows.txt:4`,
        /header claims 3 rows/,
      ],
      [
        `${MODELS}wrong_count.txt`,
        `${MODELS}wrong_count.txt:3`,
        /expected 2 values/,
      ],
      [`${MODELS}nan_value.txt`, `${MODELS}nan_value.txt:2`, /NaN/],
      [`${MODELS}duplicate.txt`, `${MODELS}duplicate.txt:4`, /duplicate/],
      [
        `${MODELS}not_a_model.png`,
        `${MODELS}not_a_model.png@0`,
        /not an explore2vec model/,
      ],
      [`${MODELS}empty.txt`, `${MODELS}empty.txt`, /empty/],
      [cut, `${cut}@${native.length - 6}`, /truncated/],
      [corrupt, `${corrupt}@${native.length - 4}`, /checksum/],
      [`${dir}/none.e2v`, `${dir}/none.e2v`, /no such file/],
      [dir, dir, /directory/],
    ];
    const lines = cases.map((
      [path],
    ) => ["similar", "--model", path, "--account", "a"]);
    // A truncated binary file, through export instead of similar.
    lines.push([
      "export",
      "--model",
      `${MODELS}truncated.bin`,
      "--format",
      "word2vec-text",
      "--out",
      `${dir}/x.txt`,
    ]);
    const runs = await cliAll(lines);
    cases.forEach(([path, where, problem], i) =>
      assertInputFailure(runs[i]!, where, problem, path)
    );
    const exported = runs[cases.length]!;
    assert.equal(exported.code, 1, exported.stderr);
    assertNoStack(exported, "export truncated.bin");
    assert.match(
      exported.stderr,
      /^error: \S*truncated\.bin@\d+: truncated[^\n]*\n?$/,
    );
    await assert.rejects(() => Deno.stat(`${dir}/x.txt`), Deno.errors.NotFound);
  });
});

Deno.test("cli exits 2 on unknown flags, bad values, missing flags and unknown commands, with no stack trace", async () => {
  const input = `${GOOD}sessions.txt`;
  const cases: [string[], RegExp][] = [
    [["train", "--input", input, "--out", "m.e2v", "--bogus"], /bogus/],
    [
      ["train", "--input", input, "--out", "m.e2v", "--dim", "abc"],
      /--dim expects an integer, got "abc"/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--dim", "0"],
      /dim must be .*got 0/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--dim", "2.5"],
      /--dim expects an integer/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--lr=-1"],
      /lr .*got -1/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--window", "0"],
      /window .*got 0/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--epochs", "0"],
      /epochs .*got 0/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--sample", "2"],
      /sample .*got 2/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--negatives=-1"],
      /negatives .*got -1/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--sampler", "zipf"],
      /--sampler must be one of .*"zipf"/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--optimizer", "rmsprop"],
      /--optimizer must be one of .*"rmsprop"/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--window-mode", "sliding"],
      /--window-mode must be one of .*"sliding"/,
    ],
    [
      ["train", "--input", input, "--out", "m.e2v", "--format", "xml"],
      /--format must be one of/,
    ],
    [["train", "--out", "m.e2v"], /missing --input/],
    [["train", "--input", input], /missing --out/],
    [
      ["train", "--input", input, "--out", "m.e2v", "stray"],
      /stray|positional|Unexpected argument/i,
    ],
    [[
      "similar",
      "--model",
      `${MODELS}gensim.txt`,
      "--account",
      "bob",
      "--k",
      "0",
    ], /--k must be at least 1, got 0/],
    [[
      "similar",
      "--model",
      `${MODELS}gensim.txt`,
      "--account",
      "bob",
      "--k",
      "ten",
    ], /--k expects an integer/],
    [["similar", "--model", `${MODELS}gensim.txt`], /missing --account/],
    [
      ["export", "--model", `${MODELS}gensim.txt`, "--out", "x.txt"],
      /missing --format/,
    ],
    [[
      "export",
      "--model",
      `${MODELS}gensim.txt`,
      "--out",
      "x.txt",
      "--format",
      "csv",
    ], /--format must be one of/],
    [["nonsense"], /unknown command "nonsense"/],
  ];
  const runs = await cliAll(cases.map(([args]) => args));
  cases.forEach(([args, message], i) => {
    const run = runs[i]!;
    const label = args.join(" ");
    assert.equal(run.code, 2, `${label}: exit code, stderr:\n${run.stderr}`);
    assertNoStack(run, label);
    const first = run.stderr.split("\n")[0]!;
    assert.ok(first.startsWith("error: "), `${label}: ${first}`);
    assert.match(first, message, label);
  });
});

Deno.test("cli --help exits 0 for every command and prints its usage on stdout", async () => {
  const runs = await cliAll([
    ...COMMANDS.map((c) => [c, "--help"]),
    ["--help"],
    ["train", "-h"],
  ]);
  [...COMMANDS, "(none)", "train -h"].forEach((command, i) => {
    const run = runs[i]!;
    assert.equal(run.code, 0, `${command} --help: stderr:\n${run.stderr}`);
    assert.match(run.stdout, /Usage/, `${command} --help`);
    assert.equal(run.stderr, "", `${command} --help wrote to stderr`);
    if (i < COMMANDS.length) {
      assert.match(run.stdout, new RegExp(`\\b${command}\\b`), command);
    }
  });
});

Deno.test("cli train accepts a negative number after a flag, as in --ns-exponent -0.5", async () => {
  // A negative exponent is a documented value: "-0.5" after the flag is its
  // value, not another option, and both spellings give the same model.
  await withDir(async (dir) => {
    const [spaced, joined] = await cliAll([
      [
        "train",
        "--input",
        `${GOOD}sessions.txt`,
        "--out",
        `${dir}/a.e2v`,
        "--dim",
        "4",
        "--epochs",
        "1",
        "--negatives",
        "2",
        "--ns-exponent",
        "-0.5",
      ],
      [
        "train",
        "--input",
        `${GOOD}sessions.txt`,
        "--out",
        `${dir}/b.e2v`,
        "--dim",
        "4",
        "--epochs",
        "1",
        "--negatives",
        "2",
        "--ns-exponent=-0.5",
      ],
    ]);
    assert.equal(joined!.code, 0, joined!.stderr);
    assert.equal(spaced!.code, 0, spaced!.stderr);
  });
});
