import assert from "node:assert/strict";
import { plot, type PlotInput, plotToFile } from "../src/plot.ts";
import { pcaWithInfo } from "../src/pca.ts";
import { Prng } from "../src/prng.ts";

/** A minimal XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function assertWellFormed(xml: string): void {
  let rest = xml.replace(/^<\?xml [^?]*\?>\s*/, "");
  const stack: string[] = [];
  let roots = 0;
  const tag = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/;
  while (rest.length > 0) {
    const lt = rest.indexOf("<");
    const text = lt === -1 ? rest : rest.slice(0, lt);
    assert.ok(
      !/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text),
      `unescaped & in text: ${text.slice(0, 60)}`,
    );
    assert.ok(!text.includes(">"), `raw > in text: ${text.slice(0, 60)}`);
    if (stack.length === 0) assert.equal(text.trim(), "", "text outside root");
    if (lt === -1) break;
    rest = rest.slice(lt);
    const m = tag.exec(rest);
    assert.ok(m, `malformed tag near: ${rest.slice(0, 80)}`);
    const [whole, closing, name, attributes, selfClosing] = m;
    for (const a of attributes!.matchAll(/"([^"]*)"/g)) {
      assert.ok(
        !/&(?!(?:amp|lt|gt|quot|apos);)/.test(a[1]!),
        `unescaped & in attribute: ${a[1]}`,
      );
    }
    const names = [...attributes!.matchAll(/\s([\w:.-]+)=/g)].map((a) => a[1]);
    assert.equal(
      new Set(names).size,
      names.length,
      `duplicate attribute in ${whole}`,
    );
    if (closing) {
      assert.equal(stack.pop(), name, `mismatched </${name}>`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) {
      roots++;
    }
    rest = rest.slice(whole.length);
  }
  assert.deepEqual(stack, [], "unclosed tags");
  assert.equal(roots, 1, "exactly one root element");
}

function gaussian(prng: Prng): number {
  const u = 1 - prng.random();
  const v = prng.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Rows around one centre per category, with falling counts. */
function sample(
  categories: readonly string[],
  perCategory: number,
  dim: number,
  seed: number,
): PlotInput & {
  labels: string[];
  categories: (string | undefined)[];
  counts: number[];
} {
  const prng = new Prng(seed);
  const labels: string[] = [];
  const cats: (string | undefined)[] = [];
  const counts: number[] = [];
  const vectors = new Float32Array(categories.length * perCategory * dim);
  let row = 0;
  for (const category of categories) {
    const centre = Array.from({ length: dim }, () => 4 * gaussian(prng));
    for (let i = 0; i < perCategory; i++, row++) {
      labels.push(`${category}-${i}`);
      cats.push(category);
      counts.push(1000 - row);
      for (let j = 0; j < dim; j++) {
        vectors[row * dim + j] = centre[j]! + gaussian(prng);
      }
    }
  }
  return { labels, vectors, dim, categories: cats, counts };
}

function count(svg: string, pattern: RegExp): number {
  return svg.match(pattern)?.length ?? 0;
}

function circleTitles(svg: string): string[] {
  return [...svg.matchAll(/<circle [^>]*><title>([^<]*)<\/title><\/circle>/g)]
    .map((m) => m[1]!);
}

Deno.test("plot() returns a well-formed SVG 1.1 document", () => {
  const input = sample(["a", "b", "c"], 10, 8, 1);
  const svg = plot(input);
  assertWellFormed(svg);
  assert.match(
    svg,
    /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" version="1\.1"/,
  );
  assert.match(svg, /viewBox="0 0 900 650"/);
  assert.match(svg, /sans-serif/);
  assert.match(svg, />Account embeddings</);
});

Deno.test("plot() draws one circle with a tooltip per point", () => {
  const input = sample(["a", "b"], 15, 6, 2);
  const svg = plot(input);
  assert.equal(count(svg, /<circle /g), 30);
  const titles = circleTitles(svg);
  assert.equal(titles.length, 30);
  assert.deepEqual(
    titles.map((t) => t.split(" · ")[0]).sort(),
    input.labels.slice().sort(),
  );
});

Deno.test("plot() draws one legend entry per category plus unknown", () => {
  const input = sample(["news", "food", "sport"], 6, 5, 3);
  input.categories[4] = undefined;
  const svg = plot(input);
  assert.equal(count(svg, /class="legend-entry"/g), 4);
  for (const name of ["news", "food", "sport", "unknown"]) {
    assert.ok(svg.includes(`>${name} (`), name);
  }
  const unknownCircles = count(svg, /fill="#C8C8C8"><title>/g);
  assert.equal(unknownCircles, 1);
});

Deno.test("plot() folds categories beyond the palette into other", () => {
  const names = Array.from({ length: 16 }, (_, i) => `topic${i}`);
  const input = sample(names, 3, 4, 4);
  // topic15 gets the most points, so it must keep a colour of its own.
  input.categories[0] = "topic15";
  input.categories[1] = "topic15";
  const svg = plot(input, { labels: 0 });
  assertWellFormed(svg);
  const entries = count(svg, /class="legend-entry"/g);
  assert.ok(entries <= 12, `${entries} legend entries`);
  assert.ok(svg.includes(">topic15 (5)<"));
  const other = /(\d+) other categories \((\d+)\)/.exec(svg);
  assert.ok(other, "an other entry");
  assert.equal(Number(other[1]) + entries - 1, 16);
  const colours = new Set(
    [...svg.matchAll(/<circle [^>]*fill="(#[0-9A-F]+)"/g)].map((m) => m[1]),
  );
  assert.equal(colours.size, entries);
});

Deno.test("plot() uses one colour and no legend without categories", () => {
  const input = sample(["a", "b"], 5, 3, 5);
  const svg = plot({ labels: input.labels, vectors: input.vectors, dim: 3 });
  assert.equal(count(svg, /class="legend-entry"/g), 0);
  const colours = new Set(
    [...svg.matchAll(/<circle [^>]*fill="(#[0-9A-F]+)"/g)].map((m) => m[1]),
  );
  assert.equal(colours.size, 1);
});

Deno.test("plot() escapes markup in labels, titles and categories", () => {
  const input = sample(["x"], 4, 3, 6);
  input.labels[0] = "<script>alert('x')</script>";
  input.labels[1] = 'a&b"c';
  input.categories[2] = "<b>bold</b>";
  input.labels[3] = "bad\u0001char";
  const svg = plot(input, { title: "Map <of> & stuff" });
  assertWellFormed(svg);
  assert.ok(!svg.includes("<script"));
  assert.ok(!svg.includes("<b>"));
  assert.ok(!svg.includes("\u0001"));
  assert.ok(svg.includes("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
  assert.ok(svg.includes("Map &lt;of&gt; &amp; stuff"));
});

Deno.test("plot() labels at most the requested number of points", () => {
  const input = sample(["a", "b", "c", "d"], 20, 6, 7);
  for (const n of [0, 1, 5, 30]) {
    const svg = plot(input, { labels: n });
    const labels = count(svg, /class="label"/g);
    assert.ok(labels <= n, `${labels} labels for ${n}`);
    if (n > 0) assert.ok(labels >= 1);
  }
});

Deno.test("plot() labels the most frequent points first", () => {
  const input = sample(["a", "b", "c"], 10, 6, 8);
  // Make a mid-table row the most frequent.
  input.counts[17] = 5000;
  const svg = plot(input, { labels: 1 });
  const labels = [...svg.matchAll(/class="label"[^>]*>([^<]*)</g)].map((m) =>
    m[1]
  );
  assert.deepEqual(labels, [input.labels[17]]);
});

Deno.test("plot() labels only the requested ids", () => {
  const input = sample(["a", "b"], 10, 4, 9);
  const wanted = ["a-3", "b-7", "not-there"];
  const svg = plot(input, { labels: wanted });
  const labels = [...svg.matchAll(/class="label"[^>]*>([^<]*)</g)].map((m) =>
    m[1]!
  );
  assert.ok(labels.length >= 1 && labels.length <= 2);
  for (const l of labels) assert.ok(wanted.includes(l), l);
});

Deno.test("plot() skips labels that would overlap", () => {
  // All but one point at nearly the same place: few labels fit around them.
  const rows = 40;
  const prng = new Prng(10);
  const vectors = Float32Array.from(
    { length: rows * 2 },
    () => 1e-3 * prng.random(),
  );
  vectors[0] = 100;
  vectors[1] = 100;
  const labels = Array.from({ length: rows }, (_, i) => `account-${i}`);
  const svg = plot({ labels, vectors, dim: 2 }, { labels: rows });
  const placed = count(svg, /class="label"/g);
  // Four spots around the cluster (each a tiny shift apart) plus the far point.
  assert.ok(placed >= 2 && placed <= 9, `${placed} labels placed`);
});

Deno.test("plot() keeps the most frequent points when over maxPoints", () => {
  const input = sample(["a"], 10, 3, 11);
  input.counts.splice(0, 10, 5, 80, 1, 60, 7, 90, 3, 2, 4, 6);
  const svg = plot(input, { maxPoints: 3 });
  const ids = circleTitles(svg).map((t) => t.split(" · ")[0]).sort();
  assert.deepEqual(ids, ["a-1", "a-3", "a-5"]);
  assert.match(svg, /3 most frequent of 10 accounts/);
});

Deno.test("plot() shows PCA explained variance on the axes", () => {
  const input = sample(["a", "b", "c"], 8, 5, 12);
  const info = pcaWithInfo(input.vectors, 24, 5, 2);
  const svg = plot(input);
  const x = /PC 1 \((\d+\.\d)% var\.\)/.exec(svg);
  const y = /PC 2 \((\d+\.\d)% var\.\)/.exec(svg);
  assert.ok(x && y);
  assert.ok(
    Math.abs(Number(x[1]) - 100 * info.explainedVarianceRatio[0]!) <= 0.05,
  );
  assert.ok(
    Math.abs(Number(y[1]) - 100 * info.explainedVarianceRatio[1]!) <= 0.05,
  );
  assert.ok(Number(x[1]) >= Number(y[1]));
});

Deno.test("plot() draws 2-D input as is", () => {
  const labels = ["left", "middle", "right"];
  const vectors = Float32Array.of(-5, 0, 0, 10, 5, 0);
  const svg = plot({ labels, vectors, dim: 2 });
  const cx = new Map<string, number>();
  const cy = new Map<string, number>();
  for (
    const m of svg.matchAll(
      /<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>(\w+)/g,
    )
  ) {
    cx.set(m[3]!, Number(m[1]));
    cy.set(m[3]!, Number(m[2]));
  }
  assert.ok(
    cx.get("left")! < cx.get("middle")! && cx.get("middle")! < cx.get("right")!,
  );
  assert.ok(
    Math.abs(cx.get("middle")! - (cx.get("left")! + cx.get("right")!) / 2) <
      0.05,
  );
  assert.ok(
    cy.get("middle")! < cy.get("left")!,
    "higher values are drawn higher up",
  );
  assert.equal(cy.get("left"), cy.get("right"));
  assert.match(svg, /Dimension 1/);
});

Deno.test("plot() runs t-SNE and labels its axes", () => {
  const input = sample(["a", "b"], 12, 10, 13);
  const svg = plot(input, { projection: "tsne", tsne: { iterations: 100 } });
  assertWellFormed(svg);
  assert.match(svg, />t-SNE 1</);
  assert.match(svg, />t-SNE 2</);
  assert.equal(count(svg, /<circle /g), 24);
});

Deno.test("plot() accepts a model object with categories from an option", () => {
  const input = sample(["a", "b"], 5, 4, 14);
  const model = {
    vocab: { words: input.labels, counts: Float64Array.from(input.counts) },
    dim: 4,
    input: input.vectors,
  };
  const byMap = plot(model, {
    categories: new Map([["a-0", "first"], ["b-1", "second"]]),
  });
  assert.ok(byMap.includes(">first (1)<") && byMap.includes(">second (1)<"));
  assert.ok(byMap.includes(">unknown (8)<"));
  const byFunction = plot(model, {
    categories: (id: string) => id.startsWith("a") ? "A" : undefined,
  });
  assert.ok(byFunction.includes(">A (5)<"));
  assert.ok(byFunction.includes("count 1000"));
});

Deno.test("plot() is deterministic", () => {
  const input = sample(["a", "b", "c"], 10, 6, 15);
  assert.equal(plot(input), plot(input));
  const options = { projection: "tsne" as const, tsne: { iterations: 60 } };
  assert.equal(plot(input, options), plot(input, options));
});

Deno.test("plot() handles empty and single-point input", () => {
  const empty = plot({ labels: [], vectors: new Float32Array(0), dim: 4 });
  assertWellFormed(empty);
  assert.equal(count(empty, /<circle /g), 0);
  const one = plot({
    labels: ["solo"],
    vectors: Float32Array.of(1, 2, 3),
    dim: 3,
  }, {
    projection: "tsne",
  });
  assertWellFormed(one);
  assert.equal(count(one, /<circle /g), 1);
});

Deno.test("plot() rejects inconsistent input and bad options", () => {
  const labels = ["a", "b"];
  const vectors = Float32Array.of(0, 1, 2, 3, 4, 5);
  assert.throws(() => plot({ labels, vectors, dim: 2 }), TypeError);
  assert.throws(
    () => plot({ labels, vectors, dim: 3, categories: ["x"] }),
    TypeError,
  );
  assert.throws(
    () => plot({ labels, vectors, dim: 3, counts: [1, -1] }),
    RangeError,
  );
  assert.throws(
    () =>
      plot({
        labels: ["a", "b", "c"],
        vectors: Float32Array.of(1, 2, 3),
        dim: 1,
      }),
    RangeError,
  );
  assert.throws(
    () => plot({ labels, vectors, dim: 3 }, { width: 10 }),
    RangeError,
  );
  assert.throws(
    () => plot({ labels, vectors, dim: 3 }, { labels: -1 }),
    RangeError,
  );
  assert.throws(
    () => plot({ labels, vectors, dim: 3 }, { maxPoints: 0 }),
    RangeError,
  );
  assert.throws(
    () =>
      plot({ labels, vectors: Float32Array.of(0, NaN, 2, 3, 4, 5), dim: 3 }),
    /Cannot plot embeddings: vector of "a" holds NaN/,
  );
});

Deno.test("plot() suggests sampling when t-SNE gets too many points", () => {
  const rows = 3001;
  const labels = Array.from({ length: rows }, (_, i) => `id${i}`);
  assert.throws(
    () =>
      plot({ labels, vectors: new Float32Array(rows * 3), dim: 3 }, {
        projection: "tsne",
        maxPoints: rows,
      }),
    (e: unknown) => e instanceof RangeError && /sample/.test(e.message),
  );
});

Deno.test("plotToFile() writes the SVG and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const input = sample(["a", "b"], 5, 3, 16);
    const path = `${dir}/map.svg`;
    await Deno.writeTextFile(path, "old");
    await plotToFile(input, path, { title: "Saved" });
    const text = await Deno.readTextFile(path);
    assert.equal(text, plot(input, { title: "Saved" }));
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepEqual(names, ["map.svg"]);
    await assert.rejects(
      () => plotToFile(input, `${dir}/missing/map.svg`),
      Deno.errors.NotFound,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
