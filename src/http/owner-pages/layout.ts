/** The owner pages' shell: one inline stylesheet, a small nav, no script and no external assets. */
import { escapeHtml, html, type SafeHtml } from '../page.ts';

const STYLE = `
:root { color-scheme: light; --ink:#1c2230; --muted:#5d6677; --faint:#6b7485; --line:#e4e7ec;
  --bg:#f5f6f8; --card:#fff; --accent:#2f6f5e; --accent-soft:#e5f2ed; --warn:#9e3b2b; --warn-soft:#fbecea;
  --blue:#2856a3; --blue-soft:#e8eefa; --grey-soft:#eef0f3; --violet:#5b3fa6; --violet-soft:#f0ebfa; }
* { box-sizing: border-box; }
body { margin:0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
a { color: var(--accent); }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
.top { background: var(--card); border-bottom: 1px solid var(--line); }
.top .wrap { display:flex; align-items:center; gap:1.5rem; min-height:3.5rem; flex-wrap: wrap; }
.brand { font-weight:650; color:var(--ink); text-decoration:none; letter-spacing:-.01em; }
.brand::before { content:""; display:inline-block; width:.7rem; height:.7rem; border-radius:50%; background:var(--accent); margin-right:.5rem; }
.top nav { display:flex; gap:.25rem; flex:1; }
.top nav a { color:var(--muted); text-decoration:none; padding:.35rem .7rem; border-radius:6px; }
.top nav a[aria-current="page"] { color:var(--ink); background:var(--grey-soft); }
.who { display:flex; align-items:center; gap:.75rem; color:var(--muted); font-size:.9rem; }
.who form { margin:0; }
main.wrap { padding-top: 1.75rem; padding-bottom: 3rem; }
h1 { font-size:1.45rem; margin:0; letter-spacing:-.01em; }
h2 { font-size:1.05rem; margin:0 0 .75rem; }
.head { display:flex; align-items:center; justify-content:space-between; gap:1rem; flex-wrap:wrap; margin-bottom:1rem; }
.muted { color: var(--muted); }
.title { display:flex; align-items:center; gap:.75rem; flex-wrap:wrap; }
.title .status, dl.facts .status { display:flex; gap:.5rem; align-items:center; }
.title .reason, dl.facts .reason { margin:0; font-size:.9rem; }
.sub { margin:.2rem 0 0; }
.card { background:var(--card); border:1px solid var(--line); border-radius:12px; padding:1.25rem; margin-bottom:1rem; }
button, .btn { font:inherit; font-size:.92rem; padding:.5rem .95rem; border-radius:8px; border:1px solid var(--accent);
  background:var(--accent); color:#fff; cursor:pointer; text-decoration:none; display:inline-block; line-height:1.3; }
.btn.ghost, button.ghost { background:var(--card); color:var(--ink); border-color:var(--line); }
button.danger { background:var(--warn); border-color:var(--warn); }
button.link { background:none; border:none; color:var(--accent); padding:0; text-decoration:underline; }
input[type=date], input[type=text], input[type=password], input[type=month] { font:inherit; padding:.45rem .6rem; border:1px solid var(--line); border-radius:8px; background:#fff; color:var(--ink); }
.daypick { display:flex; gap:.5rem; align-items:center; flex-wrap:wrap; }
.daypick form { display:flex; gap:.5rem; margin:0; }
.stats { display:flex; gap:.6rem; flex-wrap:wrap; margin:0 0 1rem; padding:0; list-style:none; }
.stats li { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:.55rem .9rem; color:var(--muted); }
.stats strong { color:var(--ink); font-size:1.1rem; }
.filters { display:flex; gap:.4rem; margin-bottom:1rem; flex-wrap:wrap; }
.filters a { padding:.3rem .8rem; border-radius:999px; border:1px solid var(--line); background:var(--card); color:var(--muted); text-decoration:none; font-size:.9rem; }
.filters a[aria-current="page"] { background:var(--ink); color:#fff; border-color:var(--ink); }
table { width:100%; border-collapse:collapse; }
.table-wrap { background:var(--card); border:1px solid var(--line); border-radius:12px; overflow-x:auto; }
.carts th:first-child, .carts td:first-child { padding-left:1.1rem; }
.carts th:last-child, .carts td:last-child { padding-right:1.1rem; }
.carts .id .badge { margin-left:.35rem; }
.carts td.id { white-space:nowrap; }
.status .reason { margin-left:0; }
.carts th { text-align:left; font-size:.78rem; text-transform:uppercase; letter-spacing:.04em; color:var(--faint); font-weight:600; padding:.7rem .65rem; border-bottom:1px solid var(--line); background:#fafbfc; vertical-align:bottom; }
.carts td { padding:.8rem .65rem; border-bottom:1px solid var(--line); vertical-align:top; }
.carts tr:last-child td { border-bottom:none; }
.carts td.num, .carts th.num { text-align:right; font-variant-numeric: tabular-nums; }
.carts .id a { font-weight:600; text-decoration:none; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.88rem; }
.items { color:var(--muted); max-width:18rem; }
.badge { display:inline-block; font-size:.78rem; font-weight:600; padding:.12rem .5rem; border-radius:999px; white-space:nowrap; }
.badge.open { background:var(--blue-soft); color:var(--blue); }
.badge.bought { background:var(--accent-soft); color:var(--accent); }
.badge.closed { background:var(--grey-soft); color:var(--muted); }
.badge.saved { background:var(--violet-soft); color:var(--violet); }
.badge.recovered { background:var(--accent-soft); color:var(--accent); }
.reason { display:block; font-size:.82rem; color:var(--faint); margin-top:.15rem; }
.empty { padding:2rem; text-align:center; color:var(--muted); }
.flash { background:var(--accent-soft); border:1px solid #c9e4d9; color:#1f4d40; border-radius:10px; padding:.7rem 1rem; margin-bottom:1rem; }
.flash.error { background:var(--warn-soft); border-color:#f1cdc7; color:var(--warn); }
.grid { display:grid; grid-template-columns: 1fr 1fr; gap:1rem; }
.grid .card { margin-bottom:0; }
.grid + .grid { margin-top:1rem; }
dl.facts { display:grid; grid-template-columns: 9rem 1fr; gap:.45rem .75rem; margin:0; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; overflow-wrap:anywhere; }
.lines td { padding:.45rem 0; border-bottom:1px solid var(--line); }
.lines tr:last-child td, .lines tr:last-child th { border-bottom:none; }
.lines td.num { text-align:right; white-space:nowrap; padding-left:1rem; font-variant-numeric: tabular-nums; }
ol.timeline { list-style:none; margin:0; padding:0 0 0 1rem; border-left:2px solid var(--line); }
ol.timeline li { position:relative; padding:.35rem 0 .35rem .75rem; }
ol.timeline li::before { content:""; position:absolute; left:-1.42rem; top:.8rem; width:.6rem; height:.6rem; border-radius:50%; background:var(--faint); border:2px solid var(--card); }
ol.timeline li.stop::before { background:var(--warn); }
ol.timeline li.mail::before { background:var(--blue); }
ol.timeline li.good::before { background:var(--accent); }
.actions { display:flex; flex-direction:column; gap:.6rem; }
details { border:1px solid var(--line); border-radius:10px; padding:.6rem .9rem; }
details[open] { background:#fcfcfd; }
summary { cursor:pointer; font-weight:600; }
details form { margin:.6rem 0 .2rem; display:flex; gap:.6rem; flex-wrap:wrap; align-items:flex-end; }
details label { display:flex; flex-direction:column; gap:.25rem; flex:1; min-width:14rem; font-size:.9rem; color:var(--muted); }
.signin { max-width:24rem; margin:4rem auto; }
.signin form { display:flex; flex-direction:column; gap:.75rem; }
.signin label { display:flex; flex-direction:column; gap:.3rem; color:var(--muted); }
.lead { font-size:1.05rem; margin:0 0 1rem; }
.chart { margin:0; }
.chart svg { display:block; width:100%; height:auto; }
.chart-narrow { display:none; }
.chart figcaption { font-size:.85rem; margin-top:.5rem; }
.scroll-x { overflow-x:auto; }
.note { display:block; font-size:.82rem; color:var(--muted); font-weight:400; }
table.lines th { text-align:left; font-weight:500; padding:.45rem 0; border-bottom:1px solid var(--line); }
table.lines thead th { font-size:.78rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); font-weight:600; }
table.lines th.num { text-align:right; padding-left:1rem; }
table.lines tr.total th, table.lines tr.total td { font-weight:650; }
.preview iframe { width:100%; height:32rem; border:1px solid var(--line); border-radius:8px; background:#fff; }
.preview h3 { font-size:.9rem; margin:0 0 .4rem; color:var(--muted); }
pre.text-part { white-space:pre-wrap; overflow-wrap:anywhere; font-size:.85rem; background:#fafbfc; border:1px solid var(--line); border-radius:8px; padding:.75rem; margin:0; max-height:32rem; overflow:auto; }
ul.problems code { overflow-wrap:anywhere; white-space:pre-wrap; }
.top form.search { margin:0; display:flex; gap:.4rem; }
.top form.search input { width:14rem; min-width:0; }
input[type=search] { font:inherit; padding:.45rem .6rem; border:1px solid var(--line); border-radius:8px; background:#fff; color:var(--ink); }
.searchform label { display:block; color:var(--muted); margin-bottom:.35rem; }
.searchform .row { display:flex; gap:.5rem; }
.searchform input { flex:1; min-width:0; }
.pager { display:flex; justify-content:space-between; gap:.5rem; margin:.75rem 0; }
.btn.disabled { color:var(--muted); cursor:default; }
form.inline { display:inline; margin:0; }
.addressline { display:flex; align-items:center; justify-content:space-between; gap:.75rem; flex-wrap:wrap; }
.addr, .carts td.email { overflow-wrap:anywhere; }
h2.section { margin:1.5rem 0 .75rem; }
@media (max-width: 640px) {
  .chart-wide { display:none; }
  .chart-narrow { display:block; }
  .top nav { order:3; flex:1 0 100%; flex-wrap:wrap; padding-bottom:.4rem; }
  .top form.search { order:3; flex-basis:100%; padding-bottom:.5rem; }
  .top form.search input { flex:1; width:auto; }
  body { font-size:15px; }
  .wrap { padding: 0 .9rem; }
  .top .wrap { gap:.6rem; min-height:3rem; }
  .top nav a { padding:.3rem .5rem; }
  .wide { display:none; }
  .who { gap:.5rem; }
  main.wrap { padding-top:1.1rem; }
  h1 { font-size:1.2rem; }
  .daypick { width:100%; }
  .daypick form { flex:1; }
  .daypick input[type=date] { flex:1; min-width:0; }
  .stats li { padding:.4rem .7rem; }
  .carts td:has(+ td.none:last-child) { border-bottom:none; }
  .grid { grid-template-columns: 1fr; }
  .carts, .carts tbody, .carts tr, .carts td { display:block; }
  .table-wrap { background:none; border:none; overflow:visible; }
  .carts th:first-child, .carts td:first-child, .carts th:last-child, .carts td:last-child { padding-left:0; padding-right:0; }
  .carts td.none { display:none; }
  .carts tr td:last-child { border-bottom:none; }
  .status { display:flex; gap:.4rem; align-items:center; }
  .status .reason { margin:0; }
  .carts thead { display:none; }
  .carts tr { background:var(--card); border:1px solid var(--line); border-radius:12px; margin-bottom:.75rem; padding:.3rem .9rem; }
  .carts td { display:flex; justify-content:space-between; align-items:baseline; gap:1rem; border-bottom:1px solid #eef0f3; padding:.4rem 0; text-align:right; }
  .carts td.num { text-align:right; }
  .carts td::before { content: attr(data-label); color:var(--faint); font-size:.82rem; text-align:left; flex:none; }
  .items { max-width:none; }
  dl.facts { grid-template-columns: 7.5rem 1fr; }
}
`;

/** What a page contributes to the shell. `csrf` is present once signed in (the sign-out form). */
export interface Shell {
  readonly title: string;
  readonly body: SafeHtml;
  readonly owner?: { readonly name: string; readonly csrf: string };
  readonly current?: 'carts' | 'summary' | 'health' | 'templates';
}

function nav(shell: Shell): SafeHtml {
  if (shell.owner === undefined) return html``;
  const here = (page: Shell['current']) => (shell.current === page ? 'page' : null);
  return html`<nav aria-label="Owner pages">
      <a href="/owner/carts" ${here('carts') ? html`aria-current="page"` : ''}>Carts</a>
      <a href="/owner/summary" ${here('summary') ? html`aria-current="page"` : ''}>Summary</a>
      <a href="/owner/health" ${here('health') ? html`aria-current="page"` : ''}>Sending</a>
      <a href="/owner/templates" ${here('templates') ? html`aria-current="page"` : ''}>Templates</a>
    </nav>
    <form class="search" method="get" action="/owner/search" role="search">
      <input type="search" name="q" aria-label="Search carts by email, cart id or item" placeholder="Email, cart id or item" maxlength="254">
      <button class="ghost" type="submit">Search</button>
    </form>
    <div class="who"><span><span class="wide">Signed in as </span><strong>${shell.owner.name}</strong></span>
      <form method="post" action="/owner/sign-out">${csrfField(shell.owner.csrf)}<button class="link" type="submit">Sign out</button></form>
    </div>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

export function ownerPage(shell: Shell): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(shell.title)} · Cart recovery</title>
<style>${STYLE}</style></head>
<body><header class="top"><div class="wrap"><a class="brand" href="/owner">Cart recovery</a>${nav(shell).value}</div></header>
<main class="wrap">${shell.body.value}</main></body></html>`;
}

/**
 * No script may run on these pages at all, and they may not be framed: a hostile cart field that
 * somehow escaped escaping still could not act with the owner's session. The same headers as the
 * shopper's pages, kept in one place.
 */
export { PAGE_HEADERS } from '../page.ts';
