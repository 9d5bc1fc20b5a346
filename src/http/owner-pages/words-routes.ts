/**
 * The owner pages that read the service rather than one cart: sender health (and clearing a
 * hold) and the template preview. Mounted by owner-pages.ts behind its session guard.
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { SenderHealthMonitor } from '../../app/sender-health.ts';
import type { Clock } from '../../ports/clock.ts';
import { html } from '../page.ts';
import { healthBody } from './health.ts';
import type { Shell } from './layout.ts';
import { previewBody, renderPreviews, type TemplatePreviewDeps } from './preview.ts';

export interface WordsPagesDeps {
  readonly senderHealth?: SenderHealthMonitor;
  readonly templatePreview?: TemplatePreviewDeps & { readonly folder: string };
}

export interface WordsPagesKit {
  readonly clock: Clock;
  readonly zone: string;
  // biome-ignore lint/suspicious/noExplicitAny: the owner pages' own Env, kept there
  readonly guard: MiddlewareHandler<any>;
  readonly page: (c: Context, shell: Omit<Shell, 'owner'>, status?: 200 | 404) => Response;
  readonly session: (c: Context) => { readonly name: string; readonly csrf: string };
}

// biome-ignore lint/suspicious/noExplicitAny: mounted on the owner pages' app, whatever its Env
export function mountWordsPages(app: Hono<any>, deps: WordsPagesDeps, kit: WordsPagesKit): void {
  const { guard, page } = kit;
  const unavailable = (c: Context, title: string, what: string) =>
    page(c, { title, body: html`<div class="card empty"><h1>${what}</h1></div>` }, 404);

  app.use('/owner/health', guard);
  app.use('/owner/health/*', guard);
  app.use('/owner/templates', guard);

  app.get('/owner/health', async (c) => {
    const monitor = deps.senderHealth;
    if (monitor === undefined)
      return unavailable(c, 'Sender health', 'Sender health is not available here.');
    const status = await monitor.status();
    return page(c, {
      title: 'Sender health',
      current: 'health',
      body: healthBody(status, kit.zone, kit.session(c).csrf),
    });
  });

  app.post('/owner/health/clear', async (c) => {
    const monitor = deps.senderHealth;
    if (monitor === undefined)
      return unavailable(c, 'Sender health', 'Sender health is not available here.');
    await monitor.clear(kit.session(c).name);
    return c.redirect('/owner/health', 303);
  });

  app.get('/owner/templates', (c) => {
    const preview = deps.templatePreview;
    if (preview === undefined)
      return unavailable(c, 'Templates', 'The template preview is not available here.');
    return page(c, {
      title: 'Email templates',
      current: 'templates',
      body: previewBody(renderPreviews(preview, kit.clock.now()), preview.folder),
    });
  });
}
