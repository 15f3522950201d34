import assert from "node:assert/strict";
import { runEval, runTune, trainCommand } from "../src/_cli_quality.ts";
import { evaluate } from "../src/evaluate.ts";
import { loadModel, saveModel } from "../src/model_io.ts";
import { Prng } from "../src/prng.ts";
import { trainSync } from "../src/train.ts";

function topicSessions(count: number, seed: number): string[][] {
  const prng = new Prng(seed);
  return Array.from({ length: count }, () => {
    const topic = prng.int(3);
    return Array.from(
      { length: 3 + prng.int(3) },
      () => `t${topic}_${prng.int(6)}`,
    );
  });
}

/** Runs `body` with console.log and console.error captured. */
async function capture(
  body: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = "";
  let err = "";
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  try {
    const code = await body();
    return { code, out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

async function fixture(): Promise<
  { dir: string; sessions: string; model: string }
> {
  const dir = await Deno.makeTempDir();
  const sessions = `${dir}/sessions.txt`;
  await Deno.writeTextFile(
    sessions,
    topicSessions(200, 3).map((s) => s.join(" ")).join("\n") + "\n",
  );
  const model = `${dir}/model.e2v`;
  await saveModel(
    trainSync(topicSessions(200, 4), { dim: 8, epochs: 3, seed: 2 }),
    model,
  );
  return { dir, sessions, model };
}

Deno.test("`runEval()` prints the same numbers as evaluate()", async () => {
  const { dir, sessions, model } = await fixture();
  try {
    const { code, out } = await capture(() =>
      runEval(["--model", model, "--input", sessions, "--k", "5,10", "--json"])
    );
    assert.equal(code, 0);
    const printed = JSON.parse(out);
    const expected = evaluate(
      await loadModel(model),
      (await Deno.readTextFile(sessions)).trim().split("\n").map((l) =>
        l.split(" ")
      ),
      { k: [5, 10] },
    );
    assert.deepEqual(printed.metrics, expected.metrics);
    assert.equal(printed.sessions, 200);
    const table = await capture(() =>
      runEval(["--model", model, "--input", sessions, "--query", "mean:2"])
    );
    assert.equal(table.code, 0);
    assert.match(table.out, /HitRate/);
    assert.match(table.out, /mean of the last 2 items/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`runEval()` exits 2 on usage errors and 1 on input errors", async () => {
  const { dir, sessions, model } = await fixture();
  try {
    const usage = [
      ["--input", sessions],
      ["--model", model, "--input", sessions, "--k", "0"],
      ["--model", model, "--input", sessions, "--query", "mean:x"],
      ["--model", model, "--input", sessions, "--bogus"],
    ];
    for (const args of usage) {
      const { code, err } = await capture(() => runEval(args));
      assert.equal(code, 2, args.join(" "));
      assert.match(err, /Usage: deno task eval/);
    }
    const missing = await capture(() =>
      runEval(["--model", `${dir}/none.e2v`, "--input", sessions])
    );
    assert.equal(missing.code, 1);
    assert.doesNotMatch(missing.err, /at .*\.ts:\d+/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`runTune()` prints a train command that the CLI accepts", async () => {
  const { dir, sessions } = await fixture();
  try {
    const { code, out } = await capture(() =>
      runTune([
        "--input",
        sessions,
        "--budget",
        "2",
        "--dim",
        "4",
        "--seed",
        "3",
        "--json",
      ])
    );
    assert.equal(code, 0);
    const result = JSON.parse(out);
    assert.equal(result.trials.length, 2);
    const command: string = result.command;
    assert.ok(command.startsWith("deno task train --input "));
    const args = command.replace("deno task train ", "").replace(
      "--out model.e2v",
      `--out ${dir}/tuned.e2v`,
    ).split(" ");
    const { main } = await import("../src/cli.ts");
    const trained = await capture(() => main(["train", ...args]));
    assert.equal(trained.code, 0, trained.err);
    // The summary splits the whole command's time from training's.
    const summary = JSON.parse(trained.out.trim().split("\n").at(-1)!);
    assert.ok(
      summary.trainSeconds > 0 && summary.trainSeconds <= summary.seconds,
      `trainSeconds ${summary.trainSeconds}, seconds ${summary.seconds}`,
    );
    const model = await loadModel(`${dir}/tuned.e2v`);
    assert.equal(model.dim, 4);
    assert.equal(model.params.window, result.best.options.window);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`trainCommand()` writes negative numbers so the flag parser keeps them", () => {
  const command = trainCommand("data/s.txt", {
    window: 3,
    nsExponent: -0.5,
    sample: 1e-4,
  });
  assert.equal(
    command,
    "deno task train --input data/s.txt --out model.e2v --window 3 --ns-exponent=-0.5 --sample 0.0001",
  );
  assert.match(trainCommand("my file.txt", {}), /--input 'my file.txt'/);
});

/** Runs the CLI in a child process (stderr is not a terminal there). */
async function cli(
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../src/cli.ts", import.meta.url).pathname,
      ...args,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

Deno.test("`tune` prints the best settings, their scores and the train command on stdout, progress on stderr", async () => {
  const { dir, sessions } = await fixture();
  try {
    const { code, out, err } = await cli([
      "tune",
      "--input",
      sessions,
      "--budget",
      "3",
      "--dim",
      "4",
    ]);
    assert.equal(code, 0, err);
    assert.match(out, /^best: window \d+ \w+, epochs \d+/m);
    assert.match(out, /^validation HitRate@20 0\.\d{4}, MRR@20 0\.\d{4}$/m);
    assert.match(out, /\(the sessions preset\)/);
    assert.match(
      out,
      /^train with:\n {2}deno task train --input \S+ --out model\.e2v --dim 4 --window \d+/m,
    );
    assert.doesNotMatch(out, /^tune /m);
    // One line per trial on a non-terminal, the first one the preset's.
    const lines = err.split("\n").filter((l) => /^tune .*trial \d\/3:/.test(l));
    assert.equal(lines.length, 3, err);
    assert.match(
      lines[0]!,
      /trial 1\/3: window 3 shrinking, epochs 30.*\(the sessions preset\) → HR@20/,
    );
    assert.match(lines[2]!, /^tune 100\.0% /);
    assert.doesNotMatch(err, /\r/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`eval` keeps stdout to the report", async () => {
  const { dir, sessions, model } = await fixture();
  try {
    const { code, out, err } = await cli([
      "eval",
      "--model",
      model,
      "--input",
      sessions,
      "--json",
    ]);
    assert.equal(code, 0, err);
    assert.equal(JSON.parse(out).sessions, 200);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
