/** `cart-recovery summary --month YYYY-MM [--json]`: the month's summary and its AWS cost. */
import { parseConfig } from '../app/config.ts';
import { isMonth } from '../domain/input-rules.ts';
import { InvalidMonthError } from '../domain/summary.ts';
import { formatSummaryTable } from '../domain/summary-format.ts';
import { requireFlag, UsageError } from './args.ts';
import { openLocalRuntime } from './local-runtime.ts';
import type { CommandRunner } from './main.ts';

export const runSummary: CommandRunner = async (args, { log, env }) => {
  const month = requireFlag(args, 'month', '2026-11');
  if (!isMonth(month)) throw new UsageError(`--month "${month}" is not a month like 2026-11`);
  const runtime = openLocalRuntime(parseConfig(env));
  try {
    if (args.flags.get('json') === true) {
      log(JSON.stringify(await runtime.reports.summaryJson(month), null, 2));
      return 0;
    }
    const { summary, cost } = await runtime.reports.monthSummary(month);
    log(formatSummaryTable(summary, cost).trimEnd());
    return 0;
  } catch (error) {
    if (error instanceof InvalidMonthError) throw new UsageError(error.message);
    throw error;
  } finally {
    await runtime.close();
  }
};
