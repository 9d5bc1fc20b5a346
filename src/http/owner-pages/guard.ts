/**
 * What every owner page route shares: the page sender, the refusal page, and the guard. Every
 * state-changing form carries a per-session CSRF token, and a POST whose Origin is another site
 * is refused before anything else: the session cookie is SameSite=Strict as well, so a forged
 * form would need to beat all three.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { OwnerToken } from '../../app/config.ts';
import type { Clock } from '../../ports/clock.ts';
import type { OwnerSignOuts } from '../../ports/owner-sign-outs.ts';
import { csrfMatches, type OwnerSession, readSession, SESSION_COOKIE } from '../owner-session.ts';
import { html } from '../page.ts';
import { ownerPage, PAGE_HEADERS, type Shell } from './layout.ts';

export type PagesEnv = {
  Variables: { session: OwnerSession; form: Record<string, string | File | (string | File)[]> };
};

export function send(c: Context, shell: Shell, status: ContentfulStatusCode = 200): Response {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
  return c.html(ownerPage(shell), status);
}

/**
 * Same host, not same origin: behind a TLS-terminating proxy the request URL says http while the
 * browser's Origin says https. Another site can never send this host's name as its Origin.
 */
export function crossOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== new URL(c.req.url).host;
  } catch {
    return true; // "null" and other opaque origins
  }
}

export function refuse(
  c: Context,
  message: string,
  status: ContentfulStatusCode,
  headers: Readonly<Record<string, string>> = {},
): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return send(
    c,
    {
      title: 'Refused',
      body: html`<div class="card empty"><h1>${message}</h1><p><a href="/owner">Back to the owner pages</a></p></div>`,
    },
    status,
  );
}

export function field(form: PagesEnv['Variables']['form'], name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
}

export const shellFor = (s: OwnerSession) => ({ name: s.name, csrf: s.csrf });

export interface GuardDeps {
  readonly owners: readonly OwnerToken[];
  readonly clock: Clock;
  readonly signOuts: OwnerSignOuts;
}

/** The cookie's session, unless it is invalid or its owner signed out since it was issued. */
export function sessionReader(deps: GuardDeps) {
  return async (c: Context): Promise<OwnerSession | null> => {
    const session = readSession(deps.owners, getCookie(c, SESSION_COOKIE), deps.clock.now());
    if (session === null) return null;
    const signedOut = await deps.signOuts.lastSignOut(session.name);
    return signedOut !== null && session.issuedAt <= signedOut ? null : session;
  };
}

/** Pages need a session; POSTs also need this site's Origin and the session's CSRF token. */
export function createGuard(
  sessionOf: (c: Context) => Promise<OwnerSession | null>,
): MiddlewareHandler<PagesEnv> {
  return async (c, next) => {
    if (c.get('session') !== undefined) return next();
    const session = await sessionOf(c);
    if (c.req.method === 'POST') {
      if (crossOrigin(c)) return refuse(c, 'Refused: this form came from another site.', 403);
      if (session === null) return refuse(c, 'Your session has ended: sign in again.', 403);
      const form = await c.req.parseBody();
      if (!csrfMatches(session, form.csrf)) {
        return refuse(
          c,
          'Refused: the form was stale or forged. Reload the page and try again.',
          403,
        );
      }
      c.set('form', form);
    } else if (session === null) {
      return c.redirect('/owner', 303);
    }
    c.set('session', session);
    return next();
  };
}
