/**
 * The Explore pipeline on the default simulated world: `buildExploreWorld`
 * simulates topics, accounts, users, sessions, posts and interaction logs,
 * trains the account embeddings and the post scorer; `explore()` then builds
 * one user's first page, and `formatGrid` prints its top 3×3 posts.
 *
 * Run:
 *   deno run -A examples/explore_world.ts          # the first user, u0001
 *   deno run -A examples/explore_world.ts u0042    # another user
 *
 * Colours are used on a terminal unless NO_COLOR is set.
 */

import { buildExploreWorld, explore, formatGrid } from "../mod.ts";

const start = performance.now();
const built = buildExploreWorld();
const { world, report } = built;
console.log(
  `World: ${world.accounts.length} accounts in ${world.topics.length} topics, ${world.users.length} users, ${world.posts.length} posts; built and trained in ${
    ((performance.now() - start) / 1000).toFixed(1)
  } s`,
);
console.log(
  `Post scorer validation AUC: like ${report.auc.like.toFixed(3)}, save ${
    report.auc.save.toFixed(3)
  }, hide ${report.auc.hide.toFixed(3)} (random ≈ 0.5)`,
);

const user = Deno.args[0] ?? world.users[0]!.id;
if (!world.users.some((u) => u.id === user)) {
  console.error(
    `Unknown user "${user}": the world's users are ${world.users[0]!.id} to ${
      world.users.at(-1)!.id
    }`,
  );
  Deno.exit(2);
}

const page = explore(built.context(user));
console.log(
  `\nUser ${user}, interested in ${world.userInterests(user).join(", ")}`,
);
console.log(
  `Seeds (most recent first): ${page.seeds.slice(0, 8).join(", ")}, …`,
);
const { funnel } = page;
console.log(
  `Funnel: ${funnel.candidates} candidates → ${funnel.preselected} preselected → ${funnel.scored} scored → ${funnel.page} on the page`,
);

// Each post's author topic against the user's interests: the ground truth
// the embeddings never saw.
const interests = new Set(world.userInterests(user));
const onTopic = page.posts.filter((p) =>
  interests.has(world.topicOf(p.account))
);
console.log(
  `Posts on one of the user's topics: ${onTopic.length} of ${page.posts.length}`,
);

console.log(`\nExplore grid for ${user}`);
const color = Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
console.log(formatGrid(page.posts, { columns: 3, rows: 3, color }));
