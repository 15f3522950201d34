import assert from "node:assert/strict";
import { runServe } from "../src/_cli_serve.ts";
import { Model } from "../src/model.ts";
import { saveModel } from "../src/model_io.ts";
import { Vocabulary } from "../src/vocab.ts";

const CLI = new URL("../src/cli.ts", import.meta.url).pathname;

async function cli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

Deno.test("`runServe()` prints help with examples and exits 0 (serve --help)", async () => {
  const { code, stdout } = await cli(["serve", "--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: deno task serve/);
  assert.match(stdout, /Examples:\n {2}deno task serve\n/);
  assert.match(stdout, /--port N/);
});

Deno.test("`runServe()` exits 2 on a bad port or flag before serving", async () => {
  const bad = await cli(["serve", "--port", "70000"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--port must be at most 65535, got 70000/);
  for (
    const args of [
      ["--port", "abc"],
      ["--port=-1"],
      ["--port", "80.5"],
      ["--bogus"],
      ["--host", ""],
      ["--sessions", "s.txt"],
    ]
  ) {
    assert.equal(await runServe(args), 2, args.join(" "));
  }
});

Deno.test("`runServe()` exits 1 when the model cannot be read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "explore2vec-serve-" });
  try {
    assert.equal(await runServe(["--model", `${dir}/missing.e2v`]), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`runServe()` serves a loaded model on 127.0.0.1 until aborted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "explore2vec-serve-" });
  const stop = new AbortController();
  try {
    const model = new Model({
      vocab: new Vocabulary(["cats", "kittens", "travel"], [3, 2, 1]),
      dim: 2,
      input: Float32Array.of(1, 0, 0.9, 0.1, 0, 1),
    });
    await saveModel(model, `${dir}/m.e2v`);
    await Deno.writeTextFile(
      `${dir}/s.csv`,
      "user,account,ts\nu1,cats,1\nu1,travel,2\n",
    );
    let addr: Deno.NetAddr | undefined;
    const listening = Promise.withResolvers<void>();
    const done = runServe(
      ["--model", `${dir}/m.e2v`, "--sessions", `${dir}/s.csv`, "--port", "0"],
      {
        signal: stop.signal,
        onListen(a) {
          addr = a;
          listening.resolve();
        },
      },
    );
    await Promise.race([listening.promise, done]);
    assert.ok(addr !== undefined, "the server did not start");
    assert.equal(addr.hostname, "127.0.0.1");
    const base = `http://127.0.0.1:${addr.port}`;
    const similar = await fetch(`${base}/api/similar?account=cats&k=1`);
    assert.equal(similar.status, 200);
    assert.equal((await similar.json()).neighbors[0].account, "kittens");
    const recommend = await fetch(`${base}/api/recommend?user=u1&k=1`);
    assert.equal(recommend.status, 200);
    assert.equal((await recommend.json()).accounts[0].account, "kittens");
    const page = await fetch(`${base}/?user=u1`);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.ok((await page.text()).includes("Recommended accounts"));
    stop.abort();
    assert.equal(await done, 0);
  } finally {
    stop.abort();
    await Deno.remove(dir, { recursive: true });
  }
});
