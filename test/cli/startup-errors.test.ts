/**
 * `serve` start-up failures a user can fix, from a real `node bin/cart-recovery.js serve`: one line
 * each with the fix, exit 2, no stack. And CR_PUBLIC_URL, whose links must work in real mail.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/app/config.ts';
import { freePort, ROOT, startCli, stopServe, untilListening } from '../support/serve-child.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-startup-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SECRETS = {
  CR_WEBHOOK_SECRET: 'whsec_startup_0123456789abcdef',
  CR_OWNERS: 'sam:own_startup_0123456789abcdef',
};

async function refusedStart(env: Record<string, string>) {
  const cli = startCli(['serve'], { CR_DATA_DIR: tempDir(), ...SECRETS, ...env });
  const { code } = await cli.exited;
  return { code, ...cli.output() };
}

/** No "    at file:line" frames, no "Error:" class dump: what a user reads is the message. */
function expectNoStack(stderr: string) {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/Error[:\s]/);
}

describe('port in use', () => {
  let holder: Server;
  afterAll(() => new Promise<void>((done) => holder.close(() => done())));

  it('is one line naming port and host, exit 2', async () => {
    const port = await freePort();
    holder = createServer();
    await new Promise<void>((done) => holder.listen(port, '127.0.0.1', done));
    const result = await refusedStart({ CR_PORT: String(port) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `cart-recovery: port ${port} on 127.0.0.1 is in use (another cart-recovery? set CR_PORT)\n`,
    );
    expect(result.stdout).not.toContain('listening on');
  });
});

describe('template problems', () => {
  it('are all listed at once, file and line, one line each, exit 2', async () => {
    const templates = tempDir();
    const shipped = join(ROOT, 'templates');
    for (const name of readdirSync(shipped).filter((n) => n.startsWith('step-'))) {
      writeFileSync(join(templates, name), 'Hello {{storeName}}\n');
    }
    writeFileSync(join(templates, 'step-1.html'), '<p>\n{{#items}}\n{{name}}\n');
    writeFileSync(join(templates, 'step-2.txt'), 'Hi\n\n{{nope!}}\n{{also bad}}\n');
    rmSync(join(templates, 'step-3-saved.subject.txt'));
    const result = await refusedStart({ CR_TEMPLATES_DIR: templates });
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('cart-recovery: the email templates have 4 problems:');
    expect(lines.slice(1).sort()).toEqual(
      [
        `  ${join(templates, 'step-1.html')}:2: {{#items}} is never closed with {{/items}}`,
        `  ${join(templates, 'step-2.txt')}:3: "{{nope!}}" is not a placeholder name`,
        `  ${join(templates, 'step-2.txt')}:4: "{{also bad}}" is not a placeholder name`,
        `  email template ${join(templates, 'step-3-saved.subject.txt')} is missing (see templates/README.md)`,
      ].sort(),
    );
    expectNoStack(result.stderr);
  });
});

describe('CR_PUBLIC_URL', () => {
  const smtp = { CR_MAIL: 'smtp://user:pass@127.0.0.1:2525' };
  const problems = (env: Record<string, string>) => {
    try {
      parseConfig(env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  it('refuses plain http to a real host when real mail is configured', () => {
    expect(problems({ CR_PUBLIC_URL: 'http://cr.shop.example', ...smtp })).toEqual([
      'CR_PUBLIC_URL: "http://cr.shop.example" is plain http; unsubscribe links need https (RFC 8058 one-click), e.g. https://cr.shop.example',
    ]);
    expect(problems({ CR_PUBLIC_URL: 'http://cr.shop.example', CR_MAIL: 'ses' })).toHaveLength(1);
  });

  it('accepts https with real mail, and localhost of every spelling with the outbox, silently', () => {
    expect(parseConfig({ CR_PUBLIC_URL: 'https://cr.shop.example', ...smtp }).warnings).toEqual([]);
    for (const url of ['http://localhost:8787', 'http://127.0.0.1:9000', 'http://[::1]:8787']) {
      expect(parseConfig({ CR_PUBLIC_URL: url }).warnings, url).toEqual([]);
    }
    expect(parseConfig({}).warnings).toEqual([]);
  });

  it('warns for plain http with the outbox, and for localhost with real mail', () => {
    expect(parseConfig({ CR_PUBLIC_URL: 'http://cr.shop.example' }).warnings).toEqual([
      expect.stringContaining('accepted only because mail goes to the outbox'),
    ]);
    expect(parseConfig({ ...smtp }).warnings).toEqual([
      expect.stringContaining('the links in reminders would point at localhost'),
    ]);
  });

  it('serve prints the warning once at start, on stderr, and still starts', async () => {
    const port = await freePort();
    const cli = startCli(['serve'], {
      CR_DATA_DIR: tempDir(),
      ...SECRETS,
      CR_PORT: String(port),
      CR_PUBLIC_URL: 'http://cr.shop.example',
    });
    try {
      await untilListening(cli);
      const warnings = cli.output().stderr.match(/warning: CR_PUBLIC_URL/g) ?? [];
      expect(warnings).toHaveLength(1);
    } finally {
      await stopServe({ ...cli, base: '' });
    }
  });

  it('serve refuses http to a real host with SMTP, naming CR_PUBLIC_URL', async () => {
    const result = await refusedStart({ CR_PUBLIC_URL: 'http://cr.shop.example', ...smtp });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CR_PUBLIC_URL: "http://cr.shop.example" is plain http');
  });
});
