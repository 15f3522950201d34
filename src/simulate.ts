/**
 * A simulated social world with a known right answer: topics, accounts,
 * users, sessions, posts and interaction logs.
 *
 * What: accounts belong mostly to one topic (a little of a second), with
 * Zipf-like popularity inside their topic; users have one to three weighted
 * interests; sessions visit accounts in topic runs (stay on a topic for a
 * while, then switch by interest weight), with some random noise; each user
 * is shown posts from inside and outside their interests and likes, saves or
 * hides them with probabilities given by logistic functions of the user–topic
 * affinity and the post's appeal.
 *
 * Reference: the four sample sessions of the reference notebook (cats and
 * travel accounts) grown into a generator. Where we differ: everything is
 * seeded through {@linkcode Prng}, sizes are options, and the true
 * probabilities are kept so tests can check what a model learns against them.
 *
 * @module
 */

import { Prng } from "./prng.ts";
import type { ActionScores } from "./rank.ts";
import type { Interaction, Post, Session } from "./records.ts";

/**
 * Options of {@linkcode simulateWorld}. Every field is optional.
 *
 * @example A small, quiet world
 * ```ts
 * import { simulateWorld, type WorldOptions } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const options: WorldOptions = {
 *   topics: 2,
 *   accountsPerTopic: 4,
 *   users: 5,
 *   sessionsPerUser: 3,
 *   minSessionLength: 4,
 *   maxSessionLength: 4,
 *   noise: 0,
 *   topicStay: 1,
 *   multiInterestFraction: 0,
 *   secondaryTopicFraction: 0,
 *   exposuresPerUser: 6,
 *   followsPerUser: 2,
 *   seed: 3,
 * };
 * const world = simulateWorld(options);
 * assert.deepEqual(world.topics, ["cats", "travel"]);
 * assert.equal(world.sessions.length, 5 * 3);
 * assert.ok(world.sessions.every((s) => s.accounts.length === 4));
 * // One interest, no noise, no topic switches: every session stays on the user's topic.
 * for (const user of world.users) {
 *   const [topic] = world.userInterests(user.id);
 *   for (const s of world.sessionsByUser(user.id)) assert.ok(s.accounts.every((a) => world.topicOf(a) === topic));
 * }
 * assert.equal(world.interactions.length, 5 * 6);
 * ```
 */
export interface WorldOptions {
  /** Number of topics. Default `12`. */
  topics?: number;
  /** Accounts whose main topic is each topic. Default `25`. */
  accountsPerTopic?: number;
  /** Number of users. Default `400`. */
  users?: number;
  /** Sessions per user. Default `8`. */
  sessionsPerUser?: number;
  /** Shortest session, in visits. Default `3`. */
  minSessionLength?: number;
  /** Longest session, in visits. Default `20`. */
  maxSessionLength?: number;
  /** Share of visits to a uniformly random account. Default `0.1`. */
  noise?: number;
  /** Probability that the next visit stays on the current topic. Default `0.8`. */
  topicStay?: number;
  /** Exponent s of the Zipf popularity 1/rank^s inside a topic. Default `1.0`. */
  zipfExponent?: number;
  /** Share of users with two or three interests (the rest have one). Default `0.5`. */
  multiInterestFraction?: number;
  /** Share of accounts that also post a little about a second topic. Default `0.5`. */
  secondaryTopicFraction?: number;
  /** Fewest posts per account. Default `3`. */
  minPosts?: number;
  /** Most posts per account (the most popular accounts get most). Default `15`. */
  maxPosts?: number;
  /** Posts shown to each user in the interaction logs. Default `40`. */
  exposuresPerUser?: number;
  /** Share of exposures drawn from the user's interests (the rest from anywhere). Default `0.5`. */
  inInterestExposureFraction?: number;
  /** Accounts each user follows (at most). Default `10`. */
  followsPerUser?: number;
  /** Start of the simulated period, seconds since the epoch. Default `1_700_000_000`. */
  startTs?: number;
  /** Length of the simulated period, in days. Default `30`. */
  days?: number;
  /** Random seed. Default `1`. */
  seed?: number;
}

/**
 * A weighted topic, in an account's mix or a user's interests.
 *
 * @example
 * ```ts
 * import { simulateWorld, type TopicWeight } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const world = simulateWorld({ topics: 3, accountsPerTopic: 5, users: 10, seed: 7 });
 * const mix: TopicWeight[] = world.accounts[0]!.topics;
 * assert.equal(mix[0]!.topic, world.accounts[0]!.topic);
 * assert.ok(Math.abs(mix.reduce((sum, t) => sum + t.weight, 0) - 1) < 1e-12);
 * ```
 */
export interface TopicWeight {
  /** The topic name. */
  topic: string;
  /** Its weight; the weights of one mix sum to 1. */
  weight: number;
}

/**
 * A simulated account.
 *
 * @example Popularity shares sum to 1 per topic
 * ```ts
 * import { simulateWorld, type WorldAccount } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const world = simulateWorld({ topics: 3, accountsPerTopic: 5, users: 10, seed: 7 });
 * const cats: WorldAccount[] = world.accounts.filter((a) => a.topic === "cats");
 * assert.equal(cats.length, 5);
 * assert.ok(Math.abs(cats.reduce((sum, a) => sum + a.popularity, 0) - 1) < 1e-9);
 * assert.ok(cats.every((a) => a.topics.length <= 2));
 * ```
 */
export interface WorldAccount {
  /** Readable unique id, e.g. `cats_daily_3`. */
  id: string;
  /** The main topic. */
  topic: string;
  /** The topic mix: the main topic first, then at most one other. */
  topics: TopicWeight[];
  /** Share of its main topic's visits it attracts (Zipf-like; sums to 1 per topic). */
  popularity: number;
}

/**
 * A simulated user.
 *
 * @example
 * ```ts
 * import { simulateWorld, type WorldUser } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const world = simulateWorld({ topics: 3, accountsPerTopic: 5, users: 10, seed: 7 });
 * const user: WorldUser = world.users[0]!;
 * assert.match(user.id, /^u\d+$/);
 * assert.ok(user.interests.length >= 1 && user.interests.length <= 3);
 * assert.deepEqual(world.userInterests(user.id), user.interests.map((i) => i.topic));
 * assert.ok(user.follows.every((id) => world.accounts.some((a) => a.id === id)));
 * ```
 */
export interface WorldUser {
  /** Readable unique id, e.g. `u0042`. */
  id: string;
  /** One to three interests, heaviest first; weights sum to 1. */
  interests: TopicWeight[];
  /** Accounts the user follows. */
  follows: string[];
}

/**
 * A simulated world.
 *
 * @example Ground truth next to the data
 * ```ts
 * import { simulateWorld, type World } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const world = simulateWorld({ topics: 3, accountsPerTopic: 5, users: 10, seed: 7 });
 * const w: World = world;
 * const user = w.users[0]!.id;
 * const [interest] = w.userInterests(user);
 * const inside = w.accounts.find((a) => a.topic === interest)!;
 * const outside = w.accounts.find((a) => a.topic !== interest && a.topics.length === 1)!;
 * assert.ok(w.affinity(user, inside.id) > w.affinity(user, outside.id));
 * assert.ok(w.posts.every((p) => w.postsByAccount.get(p.account)!.includes(p)));
 * assert.deepEqual(w.sessionsByUser("nobody"), []);
 * ```
 */
export interface World {
  /** Topic names, e.g. `"cats"`, `"travel"`. */
  readonly topics: readonly string[];
  /** All accounts, grouped by main topic. */
  readonly accounts: readonly WorldAccount[];
  /** All users. */
  readonly users: readonly WorldUser[];
  /** All sessions, grouped by user, each user's in time order. */
  readonly sessions: readonly Session[];
  /** All posts. */
  readonly posts: readonly Post[];
  /** Posts by author account id, newest last. */
  readonly postsByAccount: ReadonlyMap<string, readonly Post[]>;
  /** The interaction logs (exposures and actions). */
  readonly interactions: readonly Interaction[];
  /**
   * The sessions of a user, in time order.
   *
   * @param user The user id.
   * @returns Its sessions (empty for an unknown user).
   */
  sessionsByUser(user: string): Session[];
  /**
   * The main topic of an account.
   *
   * @param account The account id.
   * @returns The topic name.
   */
  topicOf(account: string): string;
  /**
   * A user's interests, heaviest first.
   *
   * @param user The user id.
   * @returns Topic names.
   */
  userInterests(user: string): string[];
  /**
   * The cosine between a user's interest vector and an account's topic mix.
   *
   * @param user The user id.
   * @param account The account id.
   * @returns A number in `[0, 1]`.
   */
  affinity(user: string, account: string): number;
  /**
   * The true probabilities that drove the simulated actions.
   *
   * @param user The user id.
   * @param postId The post id.
   * @returns P(like), P(save), P(hide).
   */
  trueProbabilities(user: string, postId: string): ActionScores;
}

/**
 * Logistic coefficients of one action: bias + affinity·a + appeal·(appeal − ½) + video·isVideo.
 *
 * @example
 * ```ts
 * import { type ActionCoefficients, TRUE_COEFFICIENTS } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const like: ActionCoefficients = TRUE_COEFFICIENTS.like;
 * // A perfect match (affinity 1) on an average photo (appeal ½, not a video).
 * const p = 1 / (1 + Math.exp(-(like.bias + like.affinity * 1)));
 * assert.ok(p > 0.8);
 * ```
 */
export interface ActionCoefficients {
  /** Intercept. */
  bias: number;
  /** Weight of the user–topic affinity in `[0, 1]`. */
  affinity: number;
  /** Weight of the post's appeal, centred at ½. */
  appeal: number;
  /** Weight of the video flag. */
  video: number;
}

/**
 * The known coefficients of P(like), P(save), P(hide) in every simulated world.
 *
 * @example The true probabilities follow from the coefficients
 * ```ts
 * import { simulateWorld, TRUE_COEFFICIENTS } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const world = simulateWorld({ topics: 3, accountsPerTopic: 5, users: 10, seed: 7 });
 * const user = world.users[0]!.id;
 * const post = world.posts[0]!;
 * const c = TRUE_COEFFICIENTS.hide;
 * const z = c.bias + c.affinity * world.affinity(user, post.account) +
 *   c.appeal * (post.features!.appeal! - 0.5) + c.video * post.features!.isVideo!;
 * assert.ok(Math.abs(world.trueProbabilities(user, post.postId).hide - 1 / (1 + Math.exp(-z))) < 1e-12);
 * ```
 */
export const TRUE_COEFFICIENTS: Readonly<
  Record<"like" | "save" | "hide", Readonly<ActionCoefficients>>
> = Object.freeze({
  like: Object.freeze({ bias: -2.0, affinity: 3.5, appeal: 2.0, video: 0.3 }),
  save: Object.freeze({ bias: -3.5, affinity: 2.5, appeal: 2.5, video: -0.2 }),
  hide: Object.freeze({ bias: -0.8, affinity: -4.0, appeal: -1.5, video: 0 }),
});

const TOPIC_WORDS: readonly (readonly [string, readonly string[]])[] = [
  ["cats", [
    "cats_daily",
    "meow_world",
    "funny_cats",
    "kitten_club",
    "cat_videos",
    "purr_post",
  ]],
  ["travel", [
    "travel_gram",
    "world_explorer",
    "earth_pix",
    "wander_on",
    "passport_life",
    "nomad_notes",
  ]],
  ["food", [
    "street_food",
    "home_chef",
    "taco_tales",
    "bake_house",
    "noodle_nerd",
    "spice_route",
  ]],
  ["fitness", [
    "trail_runner",
    "lift_daily",
    "yoga_flow",
    "gym_notes",
    "cycle_club",
    "swim_lanes",
  ]],
  ["tech", [
    "code_craft",
    "gadget_lab",
    "dev_diary",
    "chip_talk",
    "open_source",
    "byte_size",
  ]],
  ["fashion", [
    "street_style",
    "thread_count",
    "vintage_look",
    "runway_now",
    "sneaker_head",
    "knit_wit",
  ]],
  ["music", [
    "vinyl_spin",
    "beat_maker",
    "live_gigs",
    "guitar_tabs",
    "synth_wave",
    "choir_room",
  ]],
  ["gaming", [
    "pixel_quest",
    "speed_run",
    "retro_games",
    "boss_fight",
    "loot_drop",
    "level_up",
  ]],
  ["art", [
    "ink_sketch",
    "oil_canvas",
    "clay_works",
    "street_mural",
    "pixel_art",
    "water_color",
  ]],
  ["science", [
    "lab_notes",
    "star_gazer",
    "fossil_hunt",
    "micro_world",
    "math_fun",
    "deep_sea",
  ]],
  ["nature", [
    "wild_life",
    "forest_walk",
    "bird_watch",
    "mountain_view",
    "flower_field",
    "ocean_blue",
  ]],
  ["books", [
    "book_worm",
    "page_turner",
    "poetry_corner",
    "story_time",
    "shelf_life",
    "ink_well",
  ]],
  ["movies", [
    "film_buff",
    "cinema_club",
    "reel_talk",
    "movie_night",
    "script_doc",
    "frame_by_frame",
  ]],
  ["cars", [
    "motor_head",
    "classic_cars",
    "track_day",
    "ev_garage",
    "road_trip",
    "drift_king",
  ]],
  ["dogs", [
    "dog_days",
    "puppy_love",
    "good_boy",
    "paw_print",
    "bark_park",
    "doggo_daily",
  ]],
  ["photography", [
    "lens_life",
    "golden_hour",
    "film_grain",
    "shutter_bug",
    "black_white",
    "macro_shot",
  ]],
];

const DAY_SECONDS = 86_400;
const VIDEO_SHARE = 0.3;
const MIN_SECONDARY_WEIGHT = 0.1;
const MAX_SECONDARY_WEIGHT = 0.3;
const EXPOSURE_DRAW_ATTEMPTS = 8;

/**
 * Simulates a world of topics, accounts, users, sessions, posts and
 * interactions, reproducibly from a seed.
 *
 * @param options Sizes, noise levels and the seed.
 * @returns The world, with its ground truth.
 * @throws {RangeError} When an option is out of range.
 *
 * @example
 * ```ts
 * import { simulateWorld } from "./simulate.ts";
 * import assert from "node:assert/strict";
 *
 * const world = simulateWorld({ topics: 3, accountsPerTopic: 5, users: 10, seed: 7 });
 * assert.equal(world.accounts.length, 15);
 * assert.equal(world.users.length, 10);
 * const user = world.users[0]!;
 * assert.equal(world.sessionsByUser(user.id).length, 8);
 * const p = world.trueProbabilities(user.id, world.posts[0]!.postId);
 * assert.ok(p.like > 0 && p.like < 1);
 * ```
 */
export function simulateWorld(options: WorldOptions = {}): World {
  const o = resolveOptions(options);
  const prng = new Prng(o.seed);
  const topics = topicNames(o.topics);
  const nTopics = topics.length;

  // Accounts: main topic, optional secondary topic, Zipf popularity by a
  // random rank inside the topic.
  const accounts: WorldAccount[] = [];
  const mixVectors: Float64Array[] = [];
  const accountIndex = new Map<string, number>();
  for (let t = 0; t < nTopics; t++) {
    const words = topicWords(t, topics[t]!);
    const ranks = permutation(o.accountsPerTopic, prng);
    const norm = zipfNorm(o);
    for (let i = 0; i < o.accountsPerTopic; i++) {
      const id = `${words[i % words.length]}_${i + 1}`;
      const mix = new Float64Array(nTopics);
      const topicsMix: TopicWeight[] = [];
      if (nTopics > 1 && prng.random() < o.secondaryTopicFraction) {
        let other = prng.int(nTopics - 1);
        if (other >= t) other++;
        const w = MIN_SECONDARY_WEIGHT +
          prng.random() * (MAX_SECONDARY_WEIGHT - MIN_SECONDARY_WEIGHT);
        mix[t] = 1 - w;
        mix[other] = w;
        topicsMix.push({ topic: topics[t]!, weight: 1 - w });
        topicsMix.push({ topic: topics[other]!, weight: w });
      } else {
        mix[t] = 1;
        topicsMix.push({ topic: topics[t]!, weight: 1 });
      }
      const popularity = 1 / Math.pow(ranks[i]! + 1, o.zipfExponent) / norm;
      accountIndex.set(id, accounts.length);
      accounts.push({ id, topic: topics[t]!, topics: topicsMix, popularity });
      mixVectors.push(mix);
    }
  }
  const nAccounts = accounts.length;

  // Per topic: a cumulative table over accounts weighted by
  // popularity × the account's share of that topic.
  const topicTables: CumulativeTable[] = [];
  for (let t = 0; t < nTopics; t++) {
    const members: number[] = [];
    const weights: number[] = [];
    for (let a = 0; a < nAccounts; a++) {
      const share = mixVectors[a]![t]!;
      if (share > 0) {
        members.push(a);
        weights.push(accounts[a]!.popularity * share);
      }
    }
    topicTables.push(new CumulativeTable(members, weights));
  }

  // Users: interests and follows.
  const users: WorldUser[] = [];
  const interestVectors: Float64Array[] = [];
  const interestTables: CumulativeTable[] = [];
  const userIndex = new Map<string, number>();
  const userDigits = Math.max(4, String(o.users).length);
  for (let u = 0; u < o.users; u++) {
    const id = `u${String(u + 1).padStart(userDigits, "0")}`;
    let count = 1;
    if (prng.random() < o.multiInterestFraction) count = 2 + prng.int(2);
    count = Math.min(count, nTopics);
    const chosen = permutation(nTopics, prng).slice(0, count);
    const raw = chosen.map(() => 0.5 + prng.random());
    const sum = raw.reduce((s, x) => s + x, 0);
    const interests = chosen.map((t, i) => ({
      topic: topics[t]!,
      weight: raw[i]! / sum,
    }));
    interests.sort((a, b) => b.weight - a.weight);
    const vec = new Float64Array(nTopics);
    for (let i = 0; i < chosen.length; i++) vec[chosen[i]!] = raw[i]! / sum;
    const table = new CumulativeTable(chosen, chosen.map((_, i) => raw[i]!));
    const follows = new Set<string>();
    for (
      let k = 0;
      k < o.followsPerUser * 2 && follows.size < o.followsPerUser;
      k++
    ) {
      const t = table.draw(prng);
      follows.add(accounts[topicTables[t]!.draw(prng)]!.id);
    }
    userIndex.set(id, users.length);
    users.push({ id, interests, follows: [...follows] });
    interestVectors.push(vec);
    interestTables.push(table);
  }

  // Sessions: topic runs drawn by interest weight, accounts by popularity.
  const sessions: Session[] = [];
  const sessionsOfUser = new Map<string, Session[]>();
  const period = o.days * DAY_SECONDS;
  for (let u = 0; u < users.length; u++) {
    const user = users[u]!;
    const times: number[] = [];
    for (let s = 0; s < o.sessionsPerUser; s++) {
      times.push(o.startTs + Math.floor(prng.random() * period));
    }
    times.sort((a, b) => a - b);
    const list: Session[] = [];
    for (let s = 0; s < o.sessionsPerUser; s++) {
      const length = o.minSessionLength +
        prng.int(o.maxSessionLength - o.minSessionLength + 1);
      const visits: string[] = [];
      let topic = interestTables[u]!.draw(prng);
      let previous = -1;
      for (let v = 0; v < length; v++) {
        if (v > 0 && prng.random() >= o.topicStay) {
          topic = interestTables[u]!.draw(prng);
        }
        let a: number;
        if (prng.random() < o.noise) {
          a = prng.int(nAccounts);
        } else {
          a = topicTables[topic]!.draw(prng);
          if (a === previous) a = topicTables[topic]!.draw(prng);
        }
        visits.push(accounts[a]!.id);
        previous = a;
      }
      const session: Session = {
        accounts: visits,
        user: user.id,
        ts: times[s]!,
      };
      list.push(session);
      sessions.push(session);
    }
    sessionsOfUser.set(user.id, list);
  }

  // Posts: more for popular accounts; appeal in [0, 1] (peaked at ½).
  const posts: Post[] = [];
  const postsByAccount = new Map<string, Post[]>();
  const postAccount: number[] = [];
  const postIndex = new Map<string, number>();
  const topPopularity = 1 / zipfNorm(o);
  const pending: {
    account: number;
    ts: number;
    appeal: number;
    video: number;
  }[] = [];
  for (let a = 0; a < nAccounts; a++) {
    const rankShare = Math.sqrt(accounts[a]!.popularity / topPopularity);
    const span = o.maxPosts - o.minPosts;
    let count = o.minPosts + Math.round(span * Math.min(1, rankShare));
    count += prng.int(3) - 1;
    count = Math.max(o.minPosts, Math.min(o.maxPosts, count));
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      times.push(o.startTs + Math.floor(prng.random() * period));
    }
    times.sort((x, y) => x - y);
    for (let i = 0; i < count; i++) {
      pending.push({
        account: a,
        ts: times[i]!,
        appeal: (prng.random() + prng.random()) / 2,
        video: prng.random() < VIDEO_SHARE ? 1 : 0,
      });
    }
  }
  const postDigits = Math.max(6, String(pending.length).length);
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i]!;
    const account = accounts[p.account]!.id;
    const post: Post = {
      postId: `p${String(i + 1).padStart(postDigits, "0")}`,
      account,
      ts: p.ts,
      features: { appeal: round4(p.appeal), isVideo: p.video },
    };
    postIndex.set(post.postId, posts.length);
    posts.push(post);
    postAccount.push(p.account);
    let list = postsByAccount.get(account);
    if (list === undefined) postsByAccount.set(account, list = []);
    list.push(post);
  }

  const affinityOf = (u: number, a: number): number =>
    cosine(interestVectors[u]!, mixVectors[a]!);
  const probabilitiesOf = (u: number, p: number): ActionScores => {
    const post = posts[p]!;
    const a = affinityOf(u, postAccount[p]!);
    const appeal = post.features!.appeal!;
    const video = post.features!.isVideo!;
    return {
      like: logistic(TRUE_COEFFICIENTS.like, a, appeal, video),
      save: logistic(TRUE_COEFFICIENTS.save, a, appeal, video),
      hide: logistic(TRUE_COEFFICIENTS.hide, a, appeal, video),
    };
  };

  // Interactions: exposures from the user's interests and from anywhere.
  const interactions: Interaction[] = [];
  const exposures = Math.min(o.exposuresPerUser, posts.length);
  for (let u = 0; u < users.length; u++) {
    const seen = new Set<number>();
    const shown: number[] = [];
    for (let e = 0; e < exposures; e++) {
      let p = -1;
      for (let attempt = 0; attempt < EXPOSURE_DRAW_ATTEMPTS; attempt++) {
        let candidate: number;
        if (prng.random() < o.inInterestExposureFraction) {
          const t = interestTables[u]!.draw(prng);
          const account = accounts[topicTables[t]!.draw(prng)]!.id;
          const list = postsByAccount.get(account)!;
          candidate = postIndex.get(list[prng.int(list.length)]!.postId)!;
        } else {
          candidate = prng.int(posts.length);
        }
        if (!seen.has(candidate)) {
          p = candidate;
          break;
        }
      }
      if (p < 0) continue;
      seen.add(p);
      shown.push(p);
    }
    const times = shown.map(() =>
      o.startTs + Math.floor(prng.random() * period)
    );
    times.sort((x, y) => x - y);
    for (let i = 0; i < shown.length; i++) {
      const p = shown[i]!;
      const truth = probabilitiesOf(u, p);
      // A post is seen after it is published.
      const ts = Math.max(times[i]!, posts[p]!.ts!);
      interactions.push({
        user: users[u]!.id,
        postId: posts[p]!.postId,
        liked: prng.random() < truth.like,
        saved: prng.random() < truth.save,
        hidden: prng.random() < truth.hide,
        ts,
      });
    }
  }

  const lookupUser = (user: string, action: string): number => {
    const u = userIndex.get(user);
    if (u === undefined) {
      throw new RangeError(`Cannot ${action}: unknown user "${user}"`);
    }
    return u;
  };
  const lookupAccount = (account: string, action: string): number => {
    const a = accountIndex.get(account);
    if (a === undefined) {
      throw new RangeError(`Cannot ${action}: unknown account "${account}"`);
    }
    return a;
  };

  return {
    topics,
    accounts,
    users,
    sessions,
    posts,
    postsByAccount,
    interactions,
    sessionsByUser(user: string): Session[] {
      return [...(sessionsOfUser.get(user) ?? [])];
    },
    topicOf(account: string): string {
      return accounts[lookupAccount(account, "get topic")]!.topic;
    },
    userInterests(user: string): string[] {
      return users[lookupUser(user, "get interests")]!.interests.map((i) =>
        i.topic
      );
    },
    affinity(user: string, account: string): number {
      return affinityOf(
        lookupUser(user, "compute affinity"),
        lookupAccount(account, "compute affinity"),
      );
    },
    trueProbabilities(user: string, postId: string): ActionScores {
      const u = lookupUser(user, "get true probabilities");
      const p = postIndex.get(postId);
      if (p === undefined) {
        throw new RangeError(
          `Cannot get true probabilities: unknown post "${postId}"`,
        );
      }
      return probabilitiesOf(u, p);
    },
  };
}

type ResolvedOptions = Required<WorldOptions>;

function resolveOptions(options: WorldOptions): ResolvedOptions {
  const o: ResolvedOptions = {
    topics: options.topics ?? 12,
    accountsPerTopic: options.accountsPerTopic ?? 25,
    users: options.users ?? 400,
    sessionsPerUser: options.sessionsPerUser ?? 8,
    minSessionLength: options.minSessionLength ?? 3,
    maxSessionLength: options.maxSessionLength ?? 20,
    noise: options.noise ?? 0.1,
    topicStay: options.topicStay ?? 0.8,
    zipfExponent: options.zipfExponent ?? 1.0,
    multiInterestFraction: options.multiInterestFraction ?? 0.5,
    secondaryTopicFraction: options.secondaryTopicFraction ?? 0.5,
    minPosts: options.minPosts ?? 3,
    maxPosts: options.maxPosts ?? 15,
    exposuresPerUser: options.exposuresPerUser ?? 40,
    inInterestExposureFraction: options.inInterestExposureFraction ?? 0.5,
    followsPerUser: options.followsPerUser ?? 10,
    startTs: options.startTs ?? 1_700_000_000,
    days: options.days ?? 30,
    seed: options.seed ?? 1,
  };
  integer("topics", o.topics, 1, 1000);
  integer("accountsPerTopic", o.accountsPerTopic, 1, 100_000);
  integer("users", o.users, 0, 10_000_000);
  integer("sessionsPerUser", o.sessionsPerUser, 0, 100_000);
  integer("minSessionLength", o.minSessionLength, 1, 100_000);
  integer("maxSessionLength", o.maxSessionLength, o.minSessionLength, 100_000);
  integer("minPosts", o.minPosts, 1, 100_000);
  integer("maxPosts", o.maxPosts, o.minPosts, 100_000);
  integer("exposuresPerUser", o.exposuresPerUser, 0, 1_000_000);
  integer("followsPerUser", o.followsPerUser, 0, 1_000_000);
  integer("seed", o.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  fraction("noise", o.noise);
  fraction("topicStay", o.topicStay);
  fraction("multiInterestFraction", o.multiInterestFraction);
  fraction("secondaryTopicFraction", o.secondaryTopicFraction);
  fraction("inInterestExposureFraction", o.inInterestExposureFraction);
  if (
    !(Number.isFinite(o.zipfExponent) && o.zipfExponent >= 0 &&
      o.zipfExponent <= 10)
  ) {
    throw new RangeError(
      `Cannot simulate world: zipfExponent must be a number in [0, 10], got ${o.zipfExponent}`,
    );
  }
  if (!(Number.isFinite(o.startTs) && Number.isFinite(o.days) && o.days > 0)) {
    throw new RangeError(
      `Cannot simulate world: need a finite startTs and days > 0, got ${o.startTs} and ${o.days}`,
    );
  }
  return o;
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot simulate world: ${name} must be an integer in [${min}, ${max}], got ${value}`,
    );
  }
}

function fraction(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(
      `Cannot simulate world: ${name} must be a number in [0, 1], got ${value}`,
    );
  }
}

function topicNames(n: number): string[] {
  const names: string[] = [];
  for (let t = 0; t < n; t++) {
    names.push(t < TOPIC_WORDS.length ? TOPIC_WORDS[t]![0] : `topic${t + 1}`);
  }
  return names;
}

function topicWords(t: number, name: string): readonly string[] {
  if (t < TOPIC_WORDS.length) return TOPIC_WORDS[t]![1];
  return [`${name}_fan`, `${name}_daily`, `${name}_hub`];
}

function zipfNorm(o: ResolvedOptions): number {
  let norm = 0;
  for (let r = 1; r <= o.accountsPerTopic; r++) {
    norm += 1 / Math.pow(r, o.zipfExponent);
  }
  return norm;
}

/** A uniformly random permutation of `0..n-1` (Fisher–Yates). */
function permutation(n: number, prng: Prng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** Draws items with probability proportional to weight (binary search). */
class CumulativeTable {
  #items: readonly number[];
  #cumulative: Float64Array;

  constructor(items: readonly number[], weights: readonly number[]) {
    this.#items = items;
    this.#cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i]!;
      this.#cumulative[i] = sum;
    }
  }

  draw(prng: Prng): number {
    const c = this.#cumulative;
    const n = c.length;
    const x = prng.random() * c[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo]!;
  }
}

function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function logistic(
  c: Readonly<ActionCoefficients>,
  affinity: number,
  appeal: number,
  video: number,
): number {
  const z = c.bias + c.affinity * affinity + c.appeal * (appeal - 0.5) +
    c.video * video;
  return 1 / (1 + Math.exp(-z));
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
