/**
 * The monthly summary on AWS: last month (store zone) as an email to each CR_REPORT_TO address,
 * through SES. Nobody to tell (CR_REPORT_TO unset): logged and skipped.
 */
import type { Config } from '../app/config.ts';
import { createReports } from '../app/report.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Mailer } from '../ports/mailer.ts';
import { configFor } from './aws-config.ts';
import { dynamoDbParts } from './aws-dynamodb.ts';
import { clockOf, type Env, once, type PartOptions } from './aws-env.ts';
import { sesMailer } from './aws-ses.ts';
import { monthToSummarise } from './periods.ts';

/** What the handler runs on; the AWS runtime (aws-runtime.ts) has it too. */
export interface SummaryRuntime {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: CartStore;
  readonly mailer: Mailer;
}

/** The cart store and SES: this function's bundle loads the DynamoDB and SES clients only. */
export function summaryRuntime(env: Env, options: PartOptions = {}): SummaryRuntime {
  const config = configFor(env, undefined);
  const dynamo = dynamoDbParts(env, options, {
    purchaseRetentionMs: config.policy.retainCartsMs,
  });
  const mailer = sesMailer(env, options);
  return {
    config,
    clock: clockOf(options),
    get store() {
      return dynamo.store();
    },
    get mailer() {
      return mailer();
    },
  };
}

export type MonthlySummaryResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'sent'; readonly month: string; readonly to: readonly string[] };

export function createMonthlySummaryHandler(runtime: () => SummaryRuntime) {
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

export const handler = createMonthlySummaryHandler(once(() => summaryRuntime(process.env)));
