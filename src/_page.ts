/**
 * HTML of the Explore page served by {@linkcode createHandler}: a user
 * picker, the user's Explore grid, their recent session, the recommended
 * accounts and the embedding map.
 *
 * Every interpolated value goes through {@linkcode escapeHtml}. The page has
 * no script and no external resource; its one `<style>` element carries the
 * nonce of the response's Content-Security-Policy, and nothing uses `style`
 * attributes (colours come from classes), so the policy needs no
 * `'unsafe-inline'`.
 *
 * @module
 */

import type { ExplorePage } from "./explore.ts";
import type { Neighbor } from "./model.ts";
import type { RecommendedAccount } from "./recommend.ts";

/** Seed accounts named in a tile's "because you engaged with …" line. */
const BECAUSE_SHOWN = 2;
/**
 * Colour classes `c0` … `c7`: the embedding map's palette, so a tile's colour
 * matches its author's dot. With more categories than classes the first
 * `CATEGORY_CLASSES - 1` keep theirs and the rest are grey, as on the map.
 */
const CATEGORY_CLASSES = 8;

/** What the page shows. */
export interface PageView {
  /** The heading. */
  title: string;
  /** Numbers shown under the heading. */
  summary: { accounts: number; dim: number; users: number; posts: number };
  /** Users offered in the picker's list. */
  users: readonly string[];
  /** Users offered as one-click links. */
  samples: readonly string[];
  /** The chosen user, when any. */
  user?: string;
  /** The chosen user's Explore page, when the app can rank posts. */
  explore?: ExplorePage;
  /** The chosen user's most recent session. */
  recentSession?: readonly string[];
  /** The chosen user's recommended accounts. */
  recommended?: readonly RecommendedAccount[];
  /** Accounts similar to `?account=`, when asked. */
  similar?: { account: string; neighbors: readonly Neighbor[] };
  /** A notice shown above the content (e.g. an unknown user). */
  notice?: string;
  /** Category of an account, for the tile colours. */
  categoryOf?: (account: string) => string | undefined;
  /** Category names ranked as the map ranks them: by account count, then name. */
  categories?: readonly string[];
  /** Whether the map is available at `/map.svg`. */
  hasMap: boolean;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2129;background:#f5f6f8}
header{background:#fff;border-bottom:1px solid #dde1e6;padding:16px 28px}
h1{margin:0;font-size:22px}
h2{font-size:16px;margin:0 0 10px}
.meta{color:#5b6470;font-size:13px;margin-top:2px}
main{max-width:1320px;margin:0 auto;padding:20px 28px;display:grid;grid-template-columns:minmax(0,1fr) 360px;gap:24px}
section{background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:16px}
.wide{grid-column:1/-1}
form{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
select,input,button{font:inherit;padding:5px 8px;border:1px solid #b8c0ca;border-radius:6px;background:#fff}
button{background:#1d6fd6;border-color:#1d6fd6;color:#fff;cursor:pointer}
.samples{margin-top:8px;font-size:13px;color:#5b6470}
.samples a{display:inline-block;margin:2px 4px 2px 0;padding:1px 8px;border-radius:12px;background:#eef2f7;color:#1d4f91;text-decoration:none}
.samples a.on{background:#1d6fd6;color:#fff}
.notice{grid-column:1/-1;background:#fff6e0;border:1px solid #f0c36d;border-radius:8px;padding:10px 14px}
ol.grid{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.tile{border:1px solid #dde1e6;border-radius:8px;overflow:hidden;background:#fff;display:flex;flex-direction:column}
.tile .art{height:48px;display:flex;align-items:flex-end;justify-content:space-between;padding:6px 8px;color:#fff;font-size:12px;font-weight:600}
.tile .body{padding:8px;font-size:13px;flex:1;display:flex;flex-direction:column;gap:3px}
.tile .account{font-weight:600;overflow-wrap:anywhere}
.tile .post{color:#5b6470;font-size:12px}
.tile .score{font-variant-numeric:tabular-nums}
.tile .probs{color:#5b6470;font-size:11px;font-variant-numeric:tabular-nums}
.tile .because{color:#3d4550;font-size:12px;margin-top:auto;overflow-wrap:anywhere}
.rank{background:rgba(0,0,0,.35);border-radius:10px;padding:0 7px}
.c0{background:#0072B2}.c1{background:#E69F00}.c2{background:#009E73}.c3{background:#D55E00}
.c4{background:#CC79A7}.c5{background:#56B4E9}.c6{background:#F0E442;color:#1d2129}.c7{background:#000}.cx{background:#7F7F7F}
ul.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
ul.chips li{background:#eef2f7;border-radius:12px;padding:1px 9px;font-size:13px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eceef1;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.acc{overflow-wrap:anywhere}
td.name{white-space:nowrap}
.funnel{color:#5b6470;font-size:13px;margin:0 0 10px}
aside{display:flex;flex-direction:column;gap:24px}
.map img{max-width:100%;height:auto;display:block;margin:0 auto}
@media (max-width:900px){main{grid-template-columns:1fr}}
`;

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param text Any text.
 * @returns The text with `& < > " '` replaced by character references.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, escapeChar);
}

function escapeChar(c: string): string {
  switch (c) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case '"':
      return "&quot;";
    default:
      return "&#39;";
  }
}

/**
 * Renders the whole page.
 *
 * @param view What to show.
 * @param nonce The style nonce of this response's Content-Security-Policy.
 * @returns An HTML5 document.
 */
export function renderPage(view: PageView, nonce: string): string {
  const e = escapeHtml;
  const s = view.summary;
  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    // An empty icon, so browsers do not ask for /favicon.ico.
    `<link rel="icon" href="data:,">`,
    `<title>${e(view.user ? `Explore · ${view.user}` : view.title)}</title>`,
    `<style nonce="${e(nonce)}">${STYLE}</style></head><body>`,
    `<header><h1>${
      e(view.title)
    }</h1><div class="meta">${s.accounts} accounts · dim ${s.dim} · ${s.users} users · ${s.posts} posts</div></header>`,
    `<main>`,
  );
  if (view.notice !== undefined) {
    parts.push(`<p class="notice" role="status">${e(view.notice)}</p>`);
  }
  parts.push(renderPicker(view));
  if (view.user !== undefined) {
    parts.push(renderExplore(view));
    parts.push(`<aside>`, renderRecent(view), renderRecommended(view));
    if (view.similar !== undefined) parts.push(renderSimilar(view.similar));
    parts.push(`</aside>`);
  } else if (view.similar !== undefined) {
    parts.push(`<aside class="wide">${renderSimilar(view.similar)}</aside>`);
  }
  if (view.hasMap) {
    parts.push(
      `<section class="wide map" id="map"><h2>Embedding map</h2>`,
      `<img src="/map.svg" width="900" height="650" alt="Account embeddings projected to two dimensions, coloured by category"></section>`,
    );
  }
  parts.push(`</main></body></html>\n`);
  return parts.join("");
}

function renderPicker(view: PageView): string {
  const e = escapeHtml;
  const parts = [`<section class="wide" id="picker">`];
  if (view.users.length > 0) {
    parts.push(
      `<form method="get" action="/"><label for="user">User</label>`,
      `<select id="user" name="user">`,
    );
    for (const u of view.users) {
      const selected = u === view.user ? " selected" : "";
      parts.push(`<option value="${e(u)}"${selected}>${e(u)}</option>`);
    }
    parts.push(`</select><button type="submit">Show Explore</button></form>`);
    if (view.samples.length > 0) {
      parts.push(`<div class="samples">Sample users: `);
      for (const u of view.samples) {
        const on = u === view.user ? ` class="on" aria-current="page"` : "";
        parts.push(
          `<a href="/?user=${e(encodeURIComponent(u))}"${on}>${e(u)}</a>`,
        );
      }
      parts.push(`</div>`);
    }
  }
  parts.push(
    `<form method="get" action="/" class="samples">`,
    view.user === undefined
      ? ""
      : `<input type="hidden" name="user" value="${e(view.user)}">`,
    `<label for="account">Similar to account</label>`,
    `<input id="account" name="account" maxlength="256" value="${
      e(view.similar?.account ?? "")
    }">`,
    `<button type="submit">Find</button></form></section>`,
  );
  return parts.join("");
}

function renderExplore(view: PageView): string {
  const e = escapeHtml;
  const page = view.explore;
  const parts = [
    `<section id="explore"><h2>Explore for ${e(view.user ?? "")}</h2>`,
  ];
  if (page === undefined) {
    parts.push(
      `<p class="funnel">No posts to rank: this app has no posts or no trained post scorer.</p></section>`,
    );
    return parts.join("");
  }
  const f = page.funnel;
  parts.push(
    `<p class="funnel">${f.candidates} candidates → ${f.preselected} preselected → ${f.scored} scored → ${f.page} shown, from ${page.accounts.length} recommended accounts</p>`,
  );
  if (page.posts.length === 0) {
    parts.push(`<p>No posts found for this user.</p></section>`);
    return parts.join("");
  }
  parts.push(`<ol class="grid" id="grid">`);
  page.posts.forEach((p, i) => {
    const category = view.categoryOf?.(p.account);
    const colour = colourClass(category, view.categories);
    const because = p.seeds !== undefined && p.seeds.length > 0
      ? `because you engaged with ${e(listNames(p.seeds))}`
      : "";
    const b = p.breakdown;
    parts.push(
      `<li class="tile" data-post="${e(p.postId)}" data-account="${
        e(p.account)
      }">`,
      `<div class="art ${colour}"><span class="rank">${i + 1}</span><span>${
        e(category ?? "")
      }</span></div>`,
      `<div class="body"><div class="account">${e(p.account)}</div>`,
      `<div class="post">${e(p.postId)}</div>`,
      `<div class="score">score ${p.score.toFixed(3)}</div>`,
      `<div class="probs">like ${pct(b.pLike)} · save ${pct(b.pSave)} · hide ${
        pct(b.pHide)
      }</div>`,
      `<div class="because">${because}</div></div></li>`,
    );
  });
  parts.push(`</ol></section>`);
  return parts.join("");
}

function renderRecent(view: PageView): string {
  const e = escapeHtml;
  const recent = view.recentSession ?? [];
  const parts = [`<section id="recent"><h2>Recent session</h2>`];
  if (recent.length === 0) {
    parts.push(`<p>No sessions.</p>`);
  } else {
    parts.push(`<ul class="chips">`);
    for (const a of recent) parts.push(`<li>${e(a)}</li>`);
    parts.push(`</ul>`);
  }
  parts.push(`</section>`);
  return parts.join("");
}

function renderRecommended(view: PageView): string {
  const e = escapeHtml;
  const accounts = view.recommended ?? [];
  const parts = [`<section id="recommended"><h2>Recommended accounts</h2>`];
  if (accounts.length === 0) {
    parts.push(`<p>None: no seed account is known to the model.</p>`);
  } else {
    parts.push(
      `<table><thead><tr><th>account</th><th class="num">similarity</th><th>because</th></tr></thead><tbody>`,
    );
    for (const r of accounts) {
      parts.push(
        `<tr data-account="${e(r.account)}"><td class="name">${
          e(r.account)
        }</td><td class="num">${r.score.toFixed(3)}</td><td class="acc">${
          e(listNames(r.because))
        }</td></tr>`,
      );
    }
    parts.push(`</tbody></table>`);
  }
  parts.push(`</section>`);
  return parts.join("");
}

function renderSimilar(
  similar: { account: string; neighbors: readonly Neighbor[] },
): string {
  const e = escapeHtml;
  const parts = [
    `<section id="similar"><h2>Similar to ${e(similar.account)}</h2>`,
    `<table><thead><tr><th>account</th><th class="num">similarity</th></tr></thead><tbody>`,
  ];
  for (const n of similar.neighbors) {
    parts.push(
      `<tr data-account="${e(n.account)}"><td class="name">${
        e(n.account)
      }</td><td class="num">${n.score.toFixed(3)}</td></tr>`,
    );
  }
  parts.push(`</tbody></table></section>`);
  return parts.join("");
}

function listNames(names: readonly string[]): string {
  if (names.length <= BECAUSE_SHOWN) return names.join(" and ");
  const rest = names.length - BECAUSE_SHOWN;
  return `${names.slice(0, BECAUSE_SHOWN).join(", ")} and ${rest} more`;
}

function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

function colourClass(
  category: string | undefined,
  categories: readonly string[] | undefined,
): string {
  if (category === undefined || categories === undefined) return "cx";
  const i = categories.indexOf(category);
  const coloured = categories.length <= CATEGORY_CLASSES
    ? CATEGORY_CLASSES
    : CATEGORY_CLASSES - 1;
  return i >= 0 && i < coloured ? `c${i}` : "cx";
}
