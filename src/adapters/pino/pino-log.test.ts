import { describe, expect, it } from 'vitest';
import { createPinoLog } from './pino-log.ts';

function capture(level: Parameters<typeof createPinoLog>[0]['level']) {
  const lines: string[] = [];
  const log = createPinoLog({
    level,
    destination: { write: (line: string) => lines.push(line) },
    now: () => Date.parse('2026-11-23T10:00:00Z'),
  });
  return { log, lines };
}

describe('pino log', () => {
  it('writes one JSON line per event: level name, ISO time, event, fields', () => {
    const { log, lines } = capture('info');
    log.warn('reminder.send_failed', {
      cartId: 'c_42',
      step: 1,
      permanent: true,
      skipped: undefined,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      level: 'warn',
      time: '2026-11-23T10:00:00.000Z',
      pid: process.pid,
      event: 'reminder.send_failed',
      cartId: 'c_42',
      step: 1,
      permanent: true,
    });
  });

  it('drops lines below CR_LOG_LEVEL, and all of them when silent', () => {
    const warn = capture('warn');
    warn.log.info('reminder.sent', { cartId: 'c_1' });
    warn.log.warn('event.rejected', { lane: 'events' });
    warn.log.error('job.failed', { job: 'export' });
    expect(warn.lines.map((l) => JSON.parse(l).event)).toEqual(['event.rejected', 'job.failed']);
    const silent = capture('silent');
    silent.log.error('job.failed');
    expect(silent.lines).toEqual([]);
  });
});
