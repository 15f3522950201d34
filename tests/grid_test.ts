import assert from "node:assert/strict";
import { formatGrid, formatTable } from "../src/grid.ts";
import type { RankedPost } from "../src/rank.ts";

function post(postId: string, account: string, score: number): RankedPost {
  return {
    postId,
    account,
    score,
    value: score,
    breakdown: {
      pLike: 0,
      pSave: 0,
      pHide: 0,
      like: 0,
      save: 0,
      hide: 0,
      diversityPenalty: 0,
    },
  };
}

/** Terminal columns of a line without ANSI escapes (CJK two, combining marks zero). */
function columns(line: string): number {
  // deno-lint-ignore no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  let w = 0;
  for (const ch of plain) {
    if (/\p{M}/u.test(ch)) continue;
    w += /[\u3040-\u30ff\u4e00-\u9fff]/.test(ch) ? 2 : 1;
  }
  return w;
}

const NINE = Array.from(
  { length: 9 },
  (_, i) => post(`p00000${i + 1}`, `account_${i + 1}`, 1 - i / 10),
);

Deno.test("`formatGrid()` aligns every line to one display width", () => {
  const posts = [
    ...NINE.slice(0, 4),
    post("p000005", "猫の写真", 0.5),
    post("p000006", "e\u0301clair", 0.4),
  ];
  for (const width of [40, 61, 80, 120]) {
    for (const color of [false, true]) {
      const lines = formatGrid(posts, { width, color }).trimEnd().split("\n");
      const w = columns(lines[0]!);
      assert.ok(w <= width && w >= width - 3, `width ${w} for ${width}`);
      for (const line of lines) assert.equal(columns(line), w, line);
    }
  }
});

Deno.test("`formatGrid()` lays out rows × columns cells, best first", () => {
  const lines = formatGrid(NINE, { width: 80 }).trimEnd().split("\n");
  // Top border, 3 × (2 text lines) + 2 separators, bottom border.
  assert.equal(lines.length, 1 + 6 + 2 + 1);
  assert.match(lines[0]!, /^┌─+┬─+┬─+┐$/);
  assert.match(lines.at(-1)!, /^└─+┴─+┴─+┘$/);
  const row1 = lines[1]!.split("│").map((s) => s.trim()).filter(Boolean);
  assert.deepEqual(row1, [
    "p000001@account_1",
    "p000002@account_2",
    "p000003@account_3",
  ]);
  const scores = lines[2]!.split("│").map((s) => s.trim()).filter(Boolean);
  assert.deepEqual(scores, ["score 1.000", "score 0.900", "score 0.800"]);
  assert.ok(lines[7]!.includes("p000007@account_7"));
  // Only the first columns × rows posts are shown.
  const small = formatGrid(NINE, { columns: 2, rows: 2 });
  assert.ok(small.includes("p000004") && !small.includes("p000005"));
});

Deno.test("`formatGrid()` cuts long ids with an ellipsis", () => {
  const long = "a_very_long_account_name_" + "x".repeat(80);
  const lines = formatGrid([post("p000001", long, 0.5)], {
    columns: 2,
    rows: 1,
    width: 40,
  })
    .trimEnd().split("\n");
  assert.ok(lines[1]!.includes("…"));
  assert.ok(lines[1]!.includes("p000001@a_very"));
  assert.ok(!lines[1]!.includes("x".repeat(30)));
  assert.equal(columns(lines[1]!), columns(lines[0]!));
});

Deno.test("`formatGrid()` handles fewer posts than cells", () => {
  const lines = formatGrid(NINE.slice(0, 4)).trimEnd().split("\n");
  // Two rows used: border, 2 lines, separator, 2 lines, border.
  assert.equal(lines.length, 7);
  const row2 = lines[4]!.split("│").map((s) => s.trim());
  assert.deepEqual(row2, ["", "p000004@account_4", "", "", ""]);
  for (const line of lines) assert.equal(columns(line), columns(lines[0]!));
  assert.equal(formatGrid([]), "(no posts)\n");
});

Deno.test("`formatGrid()` escapes control characters in ids", () => {
  const evil = post("p\x1b[2J1", "acc\u202eount\n", 0.5);
  const text = formatGrid([evil], { columns: 1, rows: 1, width: 60 });
  assert.ok(!text.includes("\x1b"));
  assert.ok(!text.includes("\u202e"));
  assert.ok(text.includes("p\\x1b[2J1@acc\\u202eount\\x0a"));
  assert.equal(text.trimEnd().split("\n").length, 4);
});

Deno.test("`formatGrid()` adds colour only when asked", () => {
  assert.ok(!formatGrid(NINE).includes("\x1b["));
  assert.ok(formatGrid(NINE, { color: true }).includes("\x1b["));
  assert.throws(() => formatGrid(NINE, { columns: 0 }), RangeError);
  assert.throws(() => formatGrid(NINE, { width: 1.5 }), RangeError);
});

Deno.test("`formatTable()` left-aligns text and right-aligns numbers", () => {
  const table = formatTable(
    [["cats_daily_3", 0.5, 7], ["猫", 12.25, 1000]],
    ["account", "score", "n"],
    { precision: 2 },
  );
  const lines = table.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.equal(lines[0], "account       score     n");
  assert.equal(
    lines[1],
    `${"─".repeat(12)}  ${"─".repeat(5)}  ${"─".repeat(4)}`,
  );
  assert.equal(lines[2], "cats_daily_3   0.50     7");
  assert.equal(lines[3], "猫            12.25  1000");
  for (const line of lines.slice(1)) {
    assert.equal(columns(line), columns(lines[1]!));
  }
});

Deno.test("`formatTable()` escapes control characters and fills missing cells", () => {
  const table = formatTable([["a\x07b"], ["c", 1, "extra"]], ["x", "y"]);
  assert.ok(!table.includes("\x07"));
  assert.ok(table.includes("a\\x07b"));
  assert.ok(!table.includes("extra"));
  assert.throws(() => formatTable([], ["x"], { precision: -1 }), RangeError);
});
