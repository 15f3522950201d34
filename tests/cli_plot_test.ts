import assert from "node:assert/strict";
import { readCategories, runPlot } from "../src/_cli_plot.ts";
import { InputError } from "../src/errors.ts";
import { Model } from "../src/model.ts";
import { saveModel } from "../src/model_io.ts";
import { simulateWorld } from "../src/simulate.ts";
import { Vocabulary } from "../src/vocab.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "explore2vec-plot-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function assertSvg(svg: string): void {
  assert.ok(svg.startsWith("<?xml"));
  assert.match(svg, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith("</svg>"));
  // Balanced elements: every opened non-self-closing tag is closed.
  const opened = svg.match(/<(?!\/|\?|!)[a-zA-Z]+[^>]*[^/]>/g)?.length ?? 0;
  const closed = svg.match(/<\/[a-zA-Z]+>/g)?.length ?? 0;
  assert.equal(opened, closed);
}

Deno.test("`runPlot()` without --model writes the simulated world's map coloured by topic", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/map.svg`;
    assert.equal(await runPlot(["--out", out]), 0);
    const svg = await Deno.readTextFile(out);
    assertSvg(svg);
    const world = simulateWorld();
    assert.equal(svg.match(/<circle /g)?.length, world.accounts.length);
    assert.ok(svg.includes(`${world.accounts.length} accounts`));
    assert.ok(svg.includes(`>${world.topics[0]} (`));
  });
});

Deno.test("`runPlot()` plots a saved model with categories, title and labels", async () => {
  await withTempDir(async (dir) => {
    const words = ["cats", "kittens", "travel", "beaches", "code"];
    const model = new Model({
      vocab: new Vocabulary(words, [5, 4, 3, 2, 1]),
      dim: 3,
      input: Float32Array.of(
        1,
        0,
        0,
        0.9,
        0.1,
        0,
        0,
        1,
        0,
        0.1,
        0.9,
        0,
        0,
        0,
        1,
      ),
    });
    await saveModel(model, `${dir}/m.e2v`);
    await Deno.writeTextFile(
      `${dir}/c.tsv`,
      "account\tcategory\ncats\tpets\nkittens\tpets\ntravel\ttrips\n",
    );
    const out = `${dir}/map.svg`;
    const code = await runPlot([
      "--model",
      `${dir}/m.e2v`,
      "--out",
      out,
      "--categories",
      `${dir}/c.tsv`,
      "--title",
      "Pets <&> trips",
      "--labels",
      "2",
      "--projection",
      "pca",
    ]);
    assert.equal(code, 0);
    const svg = await Deno.readTextFile(out);
    assertSvg(svg);
    assert.equal(svg.match(/<circle /g)?.length, words.length);
    assert.ok(svg.includes("Pets &lt;&amp;&gt; trips"));
    assert.ok(svg.includes(">pets (2)<") || svg.includes(">pets (2"));
    assert.ok(svg.includes(">cats<"));
    assert.ok(!svg.includes(">code<"));
    const limited = `${dir}/limited.svg`;
    assert.equal(
      await runPlot([
        "--model",
        `${dir}/m.e2v`,
        "--out",
        limited,
        "--max-points",
        "3",
      ]),
      0,
    );
    assert.equal(
      (await Deno.readTextFile(limited)).match(/<circle /g)?.length,
      3,
    );
  });
});

Deno.test("`runPlot()` exits 2 on bad flags and 1 on unreadable input", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/map.svg`;
    assert.equal(await runPlot([]), 2);
    assert.equal(await runPlot(["--out", out, "--projection", "umap"]), 2);
    assert.equal(await runPlot(["--out", out, "--labels=-1"]), 2);
    assert.equal(await runPlot(["--out", out, "--max-points", "0"]), 2);
    assert.equal(await runPlot(["--out", out, "--width", "10"]), 2);
    assert.equal(await runPlot(["--out", out, "--bogus"]), 2);
    assert.equal(
      await runPlot(["--out", out, "--model", `${dir}/none.e2v`]),
      1,
    );
    await Deno.writeTextFile(`${dir}/bad.tsv`, "cats pets\n");
    assert.equal(
      await runPlot(["--out", out, "--categories", `${dir}/bad.tsv`]),
      1,
    );
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    assert.equal(await runPlot(["--help"]), 0);
  });
});

Deno.test("`readCategories()` skips header, blanks and comments and names the bad line", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/c.tsv`;
    await Deno.writeTextFile(
      path,
      "account\tcategory\r\n\r\n# comment\r\na\tx\r\nb\ty z\r\na\tw\r\n",
    );
    assert.deepEqual([...await readCategories(path)], [["a", "w"], [
      "b",
      "y z",
    ]]);
    await Deno.writeTextFile(path, "a\tx\n\nno-tab-here\n");
    await assert.rejects(readCategories(path), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.line, 3);
      assert.match(e.message, /no-tab-here/);
      return true;
    });
    await assert.rejects(readCategories(`${dir}/missing.tsv`), InputError);
  });
});
