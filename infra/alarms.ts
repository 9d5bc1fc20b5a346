/**
 * The stack's alarms beyond the dead-letter queue's (infra/failures.ts), all to the same topic,
 * so the alarm addresses hear of anything that stops reminders before a shopper or the owner
 * would. Few on purpose: CloudWatch bills $0.10 a month per metric an alarm reads (a metric-math
 * alarm pays for each metric in it), so each alarm here is one question worth an email, and
 * metrics that answer the same question share one alarm. ALARM_METRICS counts them, and
 * src/domain/cost.ts prices them (DEFAULT_STACK; infra/operations.test.ts ties the two).
 *
 *   HttpFailingAlarm         http Errors + Throttles                  2 metrics
 *   WaiterErrorsAlarm        waiter Errors                            1
 *   WaiterThrottledAlarm     waiter Throttles, for an hour            1
 *   TablesThrottledAlarm     WriteThrottleEvents, state + audit       2
 *   WakeupsFailingAlarm      Scheduler target errors                  1
 *   (failures.ts)            dead letters: visible, oldest's age      2
 *                                                                     9 in all, $0.90 a month
 *
 * What was left out, and why it is still seen: read throttles (on-demand tables throttle reads
 * only past 3,000 units a second on one partition, far beyond a shop; a throttled read the SDK
 * cannot absorb fails the function and raises its errors alarm), the unsubscribe table (a few
 * writes a day), Scheduler's own throttling and dropped invocations (both end in the dead-letter
 * queue, whose alarms fire), and a failed send to the dead-letter queue (a deploy fault, seen on
 * the first failed wake-up as the waiter's errors).
 *
 * Every metric here is absent while nothing goes wrong (FILL(..., 0) reads that as zero), and
 * missing data is never breaching.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { createTables } from './resources.ts';

export interface WatchedParts {
  readonly prefix: string;
  readonly alerts: ITopic;
  readonly http: NodejsFunction;
  readonly waiter: NodejsFunction;
  readonly tables: ReturnType<typeof createTables>;
  readonly wakeupGroup: ScheduleGroup;
}

/** Metrics read by all the stack's alarms, these and the two dead-letter ones. */
export const ALARM_METRICS = 2 + 1 + 1 + 2 + 1 + 2;

/** The tables whose write throttling is watched: every cart change writes both. */
const THROTTLE_WATCHED = ['state', 'audit'] as const;

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);

/** `FILL(a, 0) + FILL(b, 0) + ...` over the metrics, summed per period. */
function total(metrics: Record<string, IMetric>, period: Duration): MathExpression {
  return new MathExpression({
    expression: Object.keys(metrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(' + '),
    usingMetrics: metrics,
    period,
  });
}

interface AlarmSpec {
  readonly name: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  /** Consecutive periods that must breach (default 1). */
  readonly periods?: number;
}

export function createAlarms(scope: Construct, parts: WatchedParts) {
  const { prefix, http, waiter, tables, wakeupGroup } = parts;
  const action = new SnsAction(parts.alerts);
  const sum = { statistic: 'Sum' } as const;

  const alarm = (id: string, spec: AlarmSpec) => {
    const created = new Alarm(scope, id, {
      alarmName: `${prefix}-${spec.name}`,
      alarmDescription: `${spec.description} See docs/deploy-aws.md, "Running it".`,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.periods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    created.addAlarmAction(action);
    return created;
  };

  const tableMetrics: Record<string, IMetric> = {};
  for (const key of THROTTLE_WATCHED) {
    tableMetrics[`${key}Write`] = tables[key].metric('WriteThrottleEvents', {
      ...sum,
      period: FIVE_MINUTES,
    });
  }

  return {
    // A crash, a timeout or the reserved-concurrency cap: stores and shoppers get 5xx or 429.
    http: alarm('HttpFailingAlarm', {
      name: 'http-failing',
      description:
        'The http function (webhooks, shopper links, owner pages) failed or was throttled 10 ' +
        'times in 5 minutes: callers got 5xx or 429. Throttles mean a flood on the Function URL ' +
        'or an httpConcurrency too low for the traffic; errors are in its log group.',
      metric: total(
        {
          errors: http.metricErrors({ ...sum, period: FIVE_MINUTES }),
          throttles: http.metricThrottles({ ...sum, period: FIVE_MINUTES }),
        },
        FIVE_MINUTES,
      ),
      threshold: 10,
    }),
    // Lambda retries a failed wake-up twice; one still failing lands in the dead-letter queue.
    waiterErrors: alarm('WaiterErrorsAlarm', {
      name: 'waiter-errors',
      description:
        'The waiter failed 3 times in 15 minutes (DynamoDB, Scheduler or a bug; a refused ' +
        'send is not a failure). Lambda retries each; see its log group.',
      metric: waiter.metricErrors({ ...sum, period: FIFTEEN_MINUTES }),
      threshold: 3,
    }),
    // Throttled wake-ups wait in Lambda's queue and run later: a herd at the end of quiet hours
    // is throttled for minutes by design. An hour of it is a cap too low for the load.
    waiterThrottled: alarm('WaiterThrottledAlarm', {
      name: 'waiter-throttled',
      description:
        'The waiter has been throttled for an hour: wake-ups queue faster than waiterConcurrency ' +
        'runs them, and any older than 6 hours go to the dead-letter queue. Raise ' +
        'waiterConcurrency if SES allows the rate.',
      metric: waiter.metricThrottles({ ...sum, period: FIFTEEN_MINUTES }),
      threshold: 1,
      periods: 4,
    }),
    // The SDK retries a throttled request; many in 5 minutes means requests are failing.
    tables: alarm('TablesThrottledAlarm', {
      name: 'tables-throttled',
      description:
        'DynamoDB throttled 10 or more writes in 5 minutes on the state or audit table ' +
        '(WriteThrottleEvents, per table in CloudWatch): a hot partition or a burst past the ' +
        "table's on-demand limits.",
      metric: total(tableMetrics, FIVE_MINUTES),
      threshold: 10,
    }),
    // Scheduler retries for 24 hours; this says it is retrying a lot, long before the DLQ.
    wakeupsFailing: alarm('WakeupsFailingAlarm', {
      name: 'wakeups-failing',
      description:
        'EventBridge Scheduler could not invoke the waiter 10 times in 15 minutes (target ' +
        'errors). It retries for up to 24 hours, then dead-letters.',
      metric: wakeupGroup.metricTargetErrors({ ...sum, period: FIFTEEN_MINUTES }),
      threshold: 10,
    }),
  };
}
