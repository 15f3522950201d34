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
