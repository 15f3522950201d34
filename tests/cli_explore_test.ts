import assert from "node:assert/strict";
import { runExplore, runRecommend } from "../src/_cli_explore.ts";
import { buildExploreWorld, explore } from "../src/explore.ts";
import { saveModel } from "../src/model_io.ts";
import { recommendAccounts } from "../src/recommend.ts";
import { seedAccounts } from "../src/seeds.ts";
import { simulateWorld } from "../src/simulate.ts";

/** Runs a command with console output captured. */
async function capture(
  run: () => Promise<number>,
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...xs: unknown[]) => void out.push(xs.map(String).join(" "));
  console.error = (...xs: unknown[]) => void err.push(xs.map(String).join(" "));
  try {
    const code = await run();
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const WORLD_USERS = 60;

Deno.test("`runExplore()` with --json prints the page explore() builds", async () => {
  const { code, out } = await capture(() =>
    runExplore(["--json", "--users", String(WORLD_USERS), "--user", "u0004"])
  );
  assert.equal(code, 0);
  const doc = JSON.parse(out);
  const built = buildExploreWorld({ seed: 1, world: { users: WORLD_USERS } });
  const page = explore(built.context("u0004"), { seed: 1 });
  assert.equal(doc.user, "u0004");
  assert.deepEqual(doc.seeds, page.seeds);
  assert.deepEqual(
    doc.posts.map((p: { post_id: string }) => p.post_id),
    page.posts.map((p) => p.postId),
  );
  assert.equal(doc.posts.length, 25);
  for (const p of doc.posts) {
    assert.equal(typeof p.account, "string");
    assert.equal(typeof p.score, "number");
    for (const key of ["p_like", "p_save", "p_hide", "value"]) {
      assert.equal(typeof p.breakdown[key], "number", key);
    }
    assert.ok(p.seeds.every((s: string) => doc.seeds.includes(s)));
  }
  assert.deepEqual(doc.funnel, page.funnel);
  assert.ok(doc.scorer.auc.like > doc.scorer.baseline_auc.like);
});

Deno.test("`runExplore()` prints every stage as plain aligned text", async () => {
  const { code, out } = await capture(() =>
    runExplore(["--users", String(WORLD_USERS), "--strategy", "clusters"])
  );
  assert.equal(code, 0);
  for (
    const part of [
      "Recent session:",
      "Seeds (",
      "Recommended accounts (clusters",
      "because you engaged with",
      "P(like)",
      "P(save)",
      "P(hide)",
      "penalty",
      "Explore grid",
      "┌",
      "AUC",
      "random baseline",
      "Funnel:",
    ]
  ) {
    assert.ok(out.includes(part), part);
  }
  // Not a terminal: no colour codes.
  assert.ok(!out.includes("\x1b["));
});

Deno.test("`runExplore()` exits 2 on a wrong command line", async () => {
  for (
    const args of [
      ["--bogus"],
      ["--strategy", "best"],
      ["--seed", "x"],
      ["--users", "0"],
      ["--sessions", "s.jsonl"],
      ["--model", "m.e2v"],
      ["--users", String(WORLD_USERS), "--user", "nobody"],
    ]
  ) {
    const { code, err } = await capture(() => runExplore(args));
    assert.equal(code, 2, args.join(" "));
    assert.match(err, /^error: /);
    assert.ok(err.includes("Usage:"), args.join(" "));
  }
  const help = await capture(() => runExplore(["--help"]));
  assert.equal(help.code, 0);
  assert.ok(help.out.includes("Examples:"));
});

async function writeWorldFiles(dir: string): Promise<void> {
  const world = simulateWorld({
    topics: 4,
    accountsPerTopic: 10,
    users: 50,
    seed: 5,
  });
  await Deno.writeTextFile(
    `${dir}/sessions.jsonl`,
    world.sessions.map((s) => JSON.stringify(s)).join("\n") + "\n",
  );
  await Deno.writeTextFile(
    `${dir}/posts.jsonl`,
    world.posts.map((p) =>
      JSON.stringify({
        post_id: p.postId,
        account: p.account,
        ts: p.ts,
        features: p.features,
      })
    ).join("\n") + "\n",
  );
  await Deno.writeTextFile(
    `${dir}/interactions.jsonl`,
    world.interactions.map((x) =>
      JSON.stringify({
        user: x.user,
        post_id: x.postId,
        liked: x.liked,
        saved: x.saved,
        hidden: x.hidden,
        ts: x.ts,
      })
    ).join("\n") + "\n",
  );
}

Deno.test("`runExplore()` explores a user of the user's own files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeWorldFiles(dir);
    const files = [
      "--sessions",
      `${dir}/sessions.jsonl`,
      "--posts",
      `${dir}/posts.jsonl`,
      "--interactions",
      `${dir}/interactions.jsonl`,
    ];
    const { code, out, err } = await capture(() =>
      runExplore([...files, "--user", "u0002", "--json", "--page-size", "9"])
    );
    assert.equal(code, 0, err);
    const doc = JSON.parse(out);
    assert.equal(doc.user, "u0002");
    assert.equal(doc.posts.length, 9);
    // Posts the user was already shown never come back.
    const shown = new Set(
      (await Deno.readTextFile(`${dir}/interactions.jsonl`)).trim().split("\n")
        .map((l) => JSON.parse(l)).filter((x) => x.user === "u0002")
        .map((x) => x.post_id),
    );
    assert.ok(
      doc.posts.every((p: { post_id: string }) => !shown.has(p.post_id)),
    );

    // A broken input file: a one-line message and exit 1, no stack trace.
    await Deno.writeTextFile(`${dir}/bad.jsonl`, '{"post_id": "p1"}\n');
    const bad = await capture(() =>
      runExplore([
        ...files.slice(0, 2),
        "--posts",
        `${dir}/bad.jsonl`,
        ...files.slice(4),
      ])
    );
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^error: .*bad\.jsonl:1/);
    assert.ok(!bad.err.includes("    at "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`runRecommend()` prints recommended accounts from seeds or a user's sessions", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const built = buildExploreWorld({
      world: { topics: 4, accountsPerTopic: 10, users: 50 },
    });
    await saveModel(built.model, `${dir}/model.e2v`);
    const seeds = built.world.sessionsByUser("u0001").at(-1)!.accounts;
    const seedList = [...new Set(seeds)].join(",");
    const expected = recommendAccounts(built.model, [...new Set(seeds)], {
      k: 5,
    });

    const json = await capture(() =>
      runRecommend([
        "--model",
        `${dir}/model.e2v`,
        "--seeds",
        seedList,
        "--k",
        "5",
        "--json",
      ])
    );
    assert.equal(json.code, 0, json.err);
    const doc = JSON.parse(json.out);
    assert.deepEqual(
      doc.accounts.map((a: { account: string }) => a.account),
      expected.map((r) => r.account),
    );

    const table = await capture(() =>
      runRecommend([
        "--model",
        `${dir}/model.e2v`,
        "--seeds",
        seedList,
        "--k",
        "5",
      ])
    );
    assert.equal(table.code, 0);
    assert.ok(table.out.includes("because you engaged with"));
    assert.ok(table.out.includes(expected[0]!.account));

    await Deno.writeTextFile(
      `${dir}/sessions.jsonl`,
      built.world.sessions.map((s) => JSON.stringify(s)).join("\n") + "\n",
    );
    const byUser = await capture(() =>
      runRecommend([
        "--model",
        `${dir}/model.e2v`,
        "--user",
        "u0001",
        "--sessions",
        `${dir}/sessions.jsonl`,
        "--strategy",
        "mean",
        "--json",
      ])
    );
    assert.equal(byUser.code, 0, byUser.err);
    const userSeeds = seedAccounts(built.world.sessionsByUser("u0001"));
    assert.deepEqual(
      JSON.parse(byUser.out).accounts.map((a: { account: string }) =>
        a.account
      ),
      recommendAccounts(built.model, userSeeds, { strategy: "mean" }).map((
        r,
      ) => r.account),
    );

    const unknown = await capture(() =>
      runRecommend(["--model", `${dir}/model.e2v`, "--seeds", "nobody,none"])
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /none of the seed accounts/);
    const noModel = await capture(() => runRecommend(["--seeds", "a"]));
    assert.equal(noModel.code, 2);
    const both = await capture(() =>
      runRecommend(["--model", "m", "--seeds", "a", "--user", "u"])
    );
    assert.equal(both.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`examples/notebook.ts` runs to the end", async () => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../examples/notebook.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const out = new TextDecoder().decode(result.stdout);
  assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
  assert.ok(out.includes('Accounts most similar to "catsdaily"'));
  assert.ok(out.includes("Seed accounts: catvideos, meowworld"));
  for (const post of ["p101", "p102", "p103"]) assert.ok(out.includes(post));
  assert.ok(out.includes("Explore grid"));
});
