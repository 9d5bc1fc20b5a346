/** Minimal server-rendered HTML: every interpolated value is escaped, no script needed. */

/**
 * Every page this service serves, the owner's and the shopper's alike: no script may run at all,
 * nothing may frame it, forms post only back here, the URL (a shopper link carries its token in
 * it) is never sent to another site as a Referer, and nothing caches a page that names an address.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A tagged template that escapes every value unless it was itself built with `html`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) {
      if (part === null || part === undefined || part === false) continue;
      out += part instanceof SafeHtml ? part.value : escapeHtml(String(part));
    }
    out += strings[i + 1] ?? '';
  });
  return new SafeHtml(out);
}

const STYLE = `
  :root { color-scheme: light; --ink:#1d2330; --muted:#5b6475; --line:#e3e6ec; --accent:#2f6f5e; --warn:#a23b2a; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background:#f7f8fa; }
  main { max-width: 34rem; margin: 3rem auto; padding: 2rem; background:#fff; border:1px solid var(--line); border-radius: 12px; }
  h1 { font-size: 1.4rem; margin: 0 0 .75rem; }
  p { color: var(--muted); }
  button, .button { font: inherit; padding: .65rem 1.1rem; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
  button.secondary { background: #fff; color: var(--accent); }
`;

export function shopperPage(title: string, body: SafeHtml, status = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main data-status="${escapeHtml(status)}">${body.value}</main></body></html>`;
}
