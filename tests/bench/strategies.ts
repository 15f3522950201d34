/**
 * Compares the account recommendation strategies on a simulated world with
 * known interests, against a popularity baseline, and prints a markdown table.
 *
 * precision@10: share of the 10 recommended accounts whose main topic is one
 * of the user's interests. coverage@10: share of the user's interests that
 * appear among the 10 (it matters for users with several interests). Every
 * method excludes the same accounts: the user's seeds.
 *
 * Run: deno run -A tests/bench/strategies.ts [--seed N] [--users N]
 */

import { parseArgs } from "node:util";
import { buildExploreWorld } from "../../src/explore.ts";
import {
  RECOMMEND_STRATEGIES,
  recommendAccounts,
} from "../../src/recommend.ts";
import { seedAccounts, type SeedMode } from "../../src/seeds.ts";

const K = 10;

interface Score {
  precision: number;
  coverage: number;
  users: number;
}

function main(): void {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string", default: "1" },
      users: { type: "string", default: "400" },
    },
  });
  const seed = Number(values.seed);
  const built = buildExploreWorld({
    seed,
    world: { users: Number(values.users) },
  });
  const { world, model } = built;
  const counts = new Map<string, number>();
  for (const s of world.sessions) {
    for (const a of s.accounts) counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  const byPopularity = [...counts].sort((a, b) =>
    b[1] - a[1] || (a[0] < b[0] ? -1 : 1)
  ).map((e) => e[0]);

  const methods = ["popularity", ...RECOMMEND_STRATEGIES] as const;
  const seedModes: SeedMode[] = ["recent", "last-session"];
  const rows: string[] = [];
  for (const seedMode of seedModes) {
    for (const method of methods) {
      const single: Score = { precision: 0, coverage: 0, users: 0 };
      const multi: Score = { precision: 0, coverage: 0, users: 0 };
      for (const user of world.users) {
        const seeds = seedAccounts(world.sessionsByUser(user.id), {
          mode: seedMode,
        });
        const seen = new Set(seeds);
        const recommended = method === "popularity"
          ? byPopularity.filter((a) => !seen.has(a)).slice(0, K)
          : recommendAccounts(model, seeds, { k: K, strategy: method, seed })
            .map((r) => r.account);
        const interests = new Set(world.userInterests(user.id));
        const topics = recommended.map((a) => world.topicOf(a));
        const hits = topics.filter((t) => interests.has(t)).length;
        const covered = [...interests].filter((t) => topics.includes(t)).length;
        const score = interests.size === 1 ? single : multi;
        score.precision += hits / K;
        score.coverage += covered / interests.size;
        score.users++;
      }
      const cell = (s: Score, key: "precision" | "coverage"): string =>
        s.users === 0 ? "–" : (s[key] / s.users).toFixed(3);
      rows.push(
        `| ${seedMode} | ${method} | ${cell(single, "precision")} | ${
          cell(multi, "precision")
        } | ${cell(multi, "coverage")} |`,
      );
    }
  }
  console.log(
    `Simulated world: ${world.topics.length} topics, ${world.accounts.length} accounts, ${world.users.length} users, seed ${seed}; embeddings dim ${model.dim}.\n`,
  );
  console.log(
    "| seeds | method | precision@10, one interest | precision@10, several interests | interest coverage@10, several |",
  );
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

if (import.meta.main) main();
