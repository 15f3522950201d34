// The example programs run as a user would run them: each as a subprocess,
// checked for its exit code and the lines it exists to show; the edge
// handler is imported and called with a Request.

import assert from "node:assert/strict";
import edge from "../examples/edge.ts";

const ROOT = new URL("../", import.meta.url);
const YOOCHOOSE_TRAIN = new URL(
  "../shared/data/yoochoose-100k/sessions_train.txt",
  ROOT,
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run -A examples/<name> ...args` from `cwd`, without colours. */
async function runExample(
  name: string,
  args: string[] = [],
  cwd: string | URL = ROOT,
): Promise<Run> {
  const script = new URL(`examples/${name}`, ROOT).href;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd,
    env: { NO_COLOR: "1" },
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

function assertOk(run: Run): void {
  assert.equal(run.code, 0, `exit code ${run.code}; stderr:\n${run.stderr}`);
}

/** The number after `label` on its line, e.g. `HitRate@20: 0.5375`. */
function numberAfter(text: string, label: string): number {
  const match = text.match(new RegExp(`^${label}\\s*(-?[0-9.]+)`, "m"));
  assert.ok(match !== null, `no line starting with "${label}" in:\n${text}`);
  return Number(match[1]);
}

Deno.test("examples/notebook.ts walks the notebook's steps to a grid of its three cat posts", async () => {
  const run = await runExample("notebook.ts");
  assertOk(run);
  const similar = run.stdout.split('Accounts most similar to "catsdaily"\n')[1];
  assert.ok(similar !== undefined, run.stdout);
  const top3 = similar.split("\n").slice(0, 3).map((line) =>
    line.trim().split(" ")[1]
  );
  assert.deepEqual(
    [...top3].sort(),
    ["catvideos", "funnycats", "meowworld"],
  );
  assert.match(run.stdout, /^Seed accounts: catvideos, meowworld$/m);
  const grid = run.stdout.split("Explore grid\n")[1] ?? "";
  for (const post of ["p101@catvideos", "p102@meowworld", "p103@funnycats"]) {
    assert.ok(grid.includes(post), `${post} missing from the grid:\n${grid}`);
  }
});

Deno.test("examples/real_data.ts falls back to a simulated world and reports HitRate@20 and similar accounts", async () => {
  const empty = await Deno.makeTempDir();
  try {
    const run = await runExample("real_data.ts", ["--data", empty], empty);
    assertOk(run);
    assert.match(run.stdout, /simulating a world instead/);
    assert.match(
      run.stdout,
      /^Data: simulated world of 300 accounts \(2880 training sessions, 320 test sessions\)$/m,
    );
    // Random ranking of 300 accounts would hit about 20 / 300 = 0.07.
    const hitRate = numberAfter(run.stdout, "HitRate@20:");
    assert.ok(hitRate > 0.3 && hitRate <= 1, `HitRate@20 ${hitRate}`);
    const similar = run.stdout.split(/^Accounts most similar to .*\n/m)[1];
    assert.ok(similar !== undefined, run.stdout);
    assert.equal(similar.trimEnd().split("\n").length, 10);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("examples/real_data.ts finds the Yoochoose data from the repository root whatever the working directory", async () => {
  const elsewhere = await Deno.makeTempDir();
  try {
    const run = await runExample("real_data.ts", [], elsewhere);
    assertOk(run);
    let present = false;
    try {
      present = (await Deno.stat(YOOCHOOSE_TRAIN)).isFile;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    assert.match(
      run.stdout,
      present ? /^Data: yoochoose-100k \(/m : /^Data: simulated world/m,
    );
    const hitRate = numberAfter(run.stdout, "HitRate@20:");
    assert.ok(hitRate > 0 && hitRate <= 1, `HitRate@20 ${hitRate}`);
    assert.match(
      run.stdout,
      /^Accounts most similar to \S+ \(seen \d+ times\):$/m,
    );
  } finally {
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("examples/explore_world.ts prints one user's funnel and a plain 3×3 grid", async () => {
  const run = await runExample("explore_world.ts", ["u0042"]);
  assertOk(run);
  assert.match(run.stdout, /^World: 300 accounts in 12 topics, 400 users, /m);
  assert.match(
    run.stdout,
    /^Funnel: \d+ candidates → \d+ preselected → \d+ scored → 25 on the page$/m,
  );
  const grid = run.stdout.split("Explore grid for u0042\n")[1];
  assert.ok(grid !== undefined, run.stdout);
  const lines = grid.trimEnd().split("\n");
  // Three rows of two lines, two separators, top and bottom borders.
  assert.equal(lines.length, 3 * 2 + 2 + 2);
  assert.equal(lines.filter((line) => line.includes("@")).length, 3);
  assert.ok(!run.stdout.includes("\x1b["), "colour codes with NO_COLOR set");
});

Deno.test("examples/edge.ts answers /api/similar from its default export", async () => {
  const recommend = await edge.fetch(
    new Request("http://x/api/recommend?user=u0001&k=1"),
  );
  assert.equal(recommend.status, 200);
  const account: string = (await recommend.json()).accounts[0].account;
  const response = await edge.fetch(
    new Request(`http://x/api/similar?account=${account}&k=3`),
  );
  assert.equal(response.status, 200);
  assert.match(
    response.headers.get("Content-Type") ?? "",
    /^application\/json/,
  );
  const body = await response.json();
  assert.equal(body.account, account);
  assert.equal(body.neighbors.length, 3);
  assert.ok(
    body.neighbors.every((n: { account: string }) => n.account !== account),
  );
  const unknown = await edge.fetch(
    new Request("http://x/api/similar?account=nobody"),
  );
  assert.equal(unknown.status, 404);
});
