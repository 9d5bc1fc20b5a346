/**
 * The monthly summary on AWS: last month (store zone) as an email to each CR_REPORT_TO address,
 * through SES. Nobody to tell (CR_REPORT_TO unset): logged and skipped.
 */
import { createReports } from '../app/report.ts';
import { type AwsRuntime, containerRuntime } from './aws-runtime.ts';
import { monthToSummarise } from './periods.ts';

export type MonthlySummaryResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'sent'; readonly month: string; readonly to: readonly string[] };

export function createMonthlySummaryHandler(runtime: () => AwsRuntime) {
  return async (event: unknown): Promise<MonthlySummaryResult> => {
    const r = runtime();
    const { config } = r;
    const month = monthToSummarise(event, r.clock.now(), config.policy.storeTimeZone);
    if (config.reportTo.length === 0) {
      const reason = 'CR_REPORT_TO is not set (deploy with -c reportTo=owner@shop.example)';
      console.info(`[monthly-summary] ${month} skipped: ${reason}`);
      return { kind: 'skipped', reason };
    }
    const reports = createReports({ store: r.store, policy: config.policy, clock: r.clock });
    const emails = await reports.monthlyEmails(month, {
      from: config.from,
      to: config.reportTo,
      publicUrl: config.publicUrl,
      storeName: config.storeName,
    });
    // A retry of the whole run may mail someone twice; a missing summary is the worse failure.
    for (const email of emails) await r.mailer.send(email);
    console.info(`[monthly-summary] ${month} sent to ${config.reportTo.join(', ')}`);
    return { kind: 'sent', month, to: config.reportTo };
  };
}

export const handler = createMonthlySummaryHandler(containerRuntime);
