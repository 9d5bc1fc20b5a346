/**
 * deploy/: the systemd unit, its environment file and the Caddyfile name only things that exist:
 * variables the configuration reads, a script and command the package has, the data dir it may
 * write, and the address serve listens on. Together they make a configuration that parses clean.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config.ts';
import { configRows } from '../../src/app/config-rows.ts';
import { COMMANDS } from '../../src/cli/main.ts';
import { ROOT } from '../support/serve-child.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** `Key=value` lines of a systemd unit, every value of a repeated key kept in order. */
function unitSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match?.[1] === undefined) continue;
    settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2] ?? '']);
  }
  return settings;
}

/** NAME=value lines (systemd EnvironmentFile and Environment= syntax, unquoted). */
function assignments(lines: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) vars[match[1]] = match[2] ?? '';
  }
  return vars;
}

/** Every CR_* name parseConfig reads (the configuration table's): the variables a setting may name. */
const KNOWN = new Set(configRows().settings.map((row) => row.variable));

const unit = unitSettings(read('deploy/cart-recovery.service'));
const one = (key: string) => {
  const values = unit.get(key) ?? [];
  expect(values, key).toHaveLength(1);
  return values[0] ?? '';
};
const unitEnv = assignments(unit.get('Environment') ?? []);
const fileEnv = assignments(read('deploy/cart-recovery.env').split('\n'));

describe('deploy/cart-recovery.service', () => {
  it('sets only variables the configuration reads', () => {
    expect(KNOWN.size).toBeGreaterThan(20);
    expect(Object.keys(unitEnv).length).toBeGreaterThan(0);
    for (const name of Object.keys(unitEnv)) expect(KNOWN, name).toContain(name);
  });

  it('runs a script the package ships, with a command the CLI has', () => {
    const workdir = one('WorkingDirectory');
    const [node, script, command, ...rest] = one('ExecStart').split(/\s+/);
    expect(node).toMatch(/\/node$/);
    expect(script?.startsWith(`${workdir}/`)).toBe(true);
    expect(existsSync(join(ROOT, relative(workdir, script ?? '')))).toBe(true);
    expect(Object.keys(COMMANDS)).toContain(command);
    expect(rest).toEqual([]);
  });

  it('runs as its own user, hardened, and may write only the data dir', () => {
    expect(one('User')).not.toBe('root');
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('Restart')).toBe('on-failure');
    expect(one('ReadWritePaths').split(/\s+/)).toEqual([unitEnv.CR_DATA_DIR]);
    expect(`/var/lib/${one('StateDirectory')}`).toBe(unitEnv.CR_DATA_DIR);
    expect(one('EnvironmentFile')).toMatch(/^\/etc\//);
  });

  it('listens on loopback only, where the Caddyfile proxies to', () => {
    expect(unitEnv.CR_HOST).toBe('127.0.0.1');
    const target = /reverse_proxy\s+(\S+)/.exec(read('deploy/Caddyfile'))?.[1];
    expect(target).toBe(`${unitEnv.CR_HOST}:${unitEnv.CR_PORT}`);
  });
});

describe('deploy/cart-recovery.env', () => {
  it('names only known variables, and with the unit makes a configuration with no warning', () => {
    for (const name of Object.keys(fileEnv)) expect(KNOWN, name).toContain(name);
    const config = parseConfig({ ...fileEnv, ...unitEnv });
    expect(config.warnings).toEqual([]);
    expect(config.publicUrl).toMatch(/^https:\/\//);
    // The proxy on the box is trusted, so the shopper's own address is the one seen.
    expect(config.trustProxy.length).toBe(1);
    expect(config.mail.kind).toBe('smtp');
  });
});
