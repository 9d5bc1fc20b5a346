/**
 * The rest of the owner pages in words: a sender hold as the page shows it (and clearing it), a
 * broken template as the preview lists it (file and line), and the lift's sentence per verdict.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/adapters/templates/templates-loader.ts';
import type { SenderStatus } from '../../src/app/sender-health.ts';
import { liftInWords } from '../../src/domain/summary-words.ts';
import { healthBody } from '../../src/http/owner-pages/health.ts';
import { previewBody, renderPreviews } from '../../src/http/owner-pages/preview.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';

const OK = { verdict: 'ok', bounceRate: 0, complaintRate: 0 } as const;

function held(): SenderStatus {
  return {
    health: {
      verdict: 'hold',
      reason: 'bounce_rate',
      bounceRate: 0.06,
      complaintRate: 0,
      message: '30 hard bounce(s) over 500 reminders (6.0%): reminders are on hold',
    },
    sent: 500,
    bounced: 30,
    complained: 0,
    since: Date.parse('2026-10-24T00:00:00Z'),
    browserLane: { health: OK, sent: 0, bounced: 0, complained: 0 },
  };
}

describe('sender health page', () => {
  it('says reminders are on hold, why, what to do, and offers to clear it', () => {
    const page = healthBody(held(), 'UTC', 'tok').value;
    expect(page).toContain('data-verdict="hold"');
    expect(page).toContain('Reminders are on hold.');
    expect(page).toContain('30 hard bounce(s) over 500 reminders (6.0%)');
    expect(page).toMatch(
      /<td class="num">30<\/td><td class="num">6\.0%<\/td>\s*<td class="num">4\.0%<\/td><td class="num">5\.0%<\/td>/,
    );
    expect(page).toContain('What to do');
    expect(page).toContain('action="/owner/health/clear"');
  });

  describe('clearing over the runtime', () => {
    let rt: ReturnType<typeof openTestRuntime>;
    beforeAll(() => {
      rt = openTestRuntime();
    });
    afterAll(() => rt?.shutdown());

    it('records who cleared it, CSRF-checked like every owner form', async () => {
      const signIn = await rt.app.request('/owner/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: RT_OWNER }).toString(),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const page = await (await rt.app.request('/owner/health', { headers: { cookie } })).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const post = (token: string) =>
        rt.app.request('/owner/health/clear', {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf: token }).toString(),
        });
      expect((await post('forged')).status).toBe(403);
      const res = await post(csrf);
      expect([res.status, res.headers.get('location')]).toEqual([303, '/owner/health']);
      const rows: string[] = [];
      for await (const row of rt.store.auditBetween(0, rt.clock.now() + 1)) {
        rows.push(`${row.action}:${row.actor}`);
      }
      expect(rows).toContain('sender_cleared:sam');
    });
  });
});

describe('template preview with a broken template', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cr-tpl-'));
    cpSync(join(import.meta.dirname, '../../templates'), dir, { recursive: true });
    const file = join(dir, 'step-2.html');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(4, 0, '<p>{{#items}}never closed</p>');
    writeFileSync(file, lines.join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the problem with its file and line instead of the emails', () => {
    const result = renderPreviews(
      {
        steps: 3,
        templates: () => loadTemplates(dir),
        store: { name: 'Maison Lune', address: '1 rue de la Paix, Paris' },
        from: 'shop@example.com',
        publicUrl: 'https://recovery.example',
      },
      Date.parse('2026-11-23T10:00:00Z'),
    );
    expect(result.kind).toBe('problems');
    const page = previewBody(result, dir).value;
    expect(page).toContain('The templates have 1 problem');
    expect(page).toMatch(/step-2\.html:5: /);
    expect(page).not.toContain('<iframe');
  });
});

describe('the lift in words', () => {
  const group = (n: number, recovered: number) => ({ n, recovered, rate: recovered / n });

  it('explains a measured lift without statistics words', () => {
    const text = liftInWords({
      kind: 'measured',
      reminded: group(400, 96),
      holdout: group(100, 15),
      lift: 0.09,
      ci: [0.012, 0.158],
      significant: true,
      message: '',
    });
    expect(text).toBe(
      'Of the carts that got reminders, 24 in 100 were bought; of the carts held back on purpose, 15 in 100 were bought anyway. So reminders brought back about 9 more carts in every 100, and very likely (95 times in 100) between 1.2 and 15.8.',
    );
    expect(text).not.toMatch(/interval|significan|confidence/i);
  });

  it('says when the difference could be nothing', () => {
    const text = liftInWords({
      kind: 'measured',
      reminded: group(400, 80),
      holdout: group(100, 18),
      lift: 0.02,
      ci: [-0.06, 0.1],
      significant: false,
      message: '',
    });
    expect(text).toContain(
      'anywhere from -6 to 10 carts in 100, which includes no difference at all',
    );
  });

  it('says too few carts, and how many are needed', () => {
    const text = liftInWords({
      kind: 'too_small',
      needed: 310,
      reminded: group(90, 20),
      holdout: group(10, 1),
      message: '',
    });
    expect(text).toContain(
      '90 reminded and 10 held back on purpose, and about 310 in the smaller group',
    );
  });

  it('says how to measure it without a holdout', () => {
    expect(liftInWords({ kind: 'no_holdout', message: '' })).toContain('Set CR_HOLDOUT=10%');
  });
});
