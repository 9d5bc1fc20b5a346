/** `cart-recovery export --day YYYY-MM-DD`: the day's sheet as CSV and XLSX in the data dir. */
import { parseConfig } from '../app/config.ts';
import { isDay } from '../domain/calendar.ts';
import { requireFlag, UsageError } from './args.ts';
import { openLocalRuntime } from './local-runtime.ts';
import type { CommandRunner } from './main.ts';

export const runExport: CommandRunner = async (args, { log, env }) => {
  const day = requireFlag(args, 'day', '2026-11-23');
  if (!isDay(day)) throw new UsageError(`--day "${day}" is not a date like 2026-11-23`);
  const runtime = openLocalRuntime(parseConfig(env));
  try {
    const result = await runtime.exporter.exportDay(day);
    log(`${result.rows} cart(s) active on ${day} (${runtime.config.policy.storeTimeZone}):`);
    for (const location of result.locations) log(`  ${location}`);
    return 0;
  } finally {
    await runtime.close();
  }
};
