/**
 * Nothing fails quietly. Every function that AWS invokes asynchronously (the waiter from
 * Scheduler, the nightly export and the monthly summary from EventBridge rules, ses-feedback from
 * SNS) is retried by Lambda and, when it still fails, its event goes to the dead-letter queue the
 * Scheduler already uses for wake-ups it could not deliver. Without that, a waiter that kept
 * failing (an SES outage, a throttled table) would drop its wake-up: the schedule deletes itself
 * after the invocation, so the cart would never be reminded or expired, and nobody would know.
 *
 * The queue should stay empty; one message in it raises an alarm, mailed to the alarm addresses
 * (`alarmTo`, else `reportTo`; they confirm the subscription once). A second alarm fires when
 * a message has waited DEAD_LETTER_AGE_ALARM unhandled: the first alarm mails once, and SQS
 * deletes a message after 14 days, taking the cart's only record of its lost wake-up with it.
 * Each message names the cart or the job, and running the waiter again for that cart is safe: it
 * re-reads the row every time.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Lambda's own retries for an async invocation (at most 2). Six hours bounds how late a retried
 * wake-up may run; the waiter is safe however late, but an event older than this is a failure
 * to look at, not to retry.
 */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

/** How long a dead letter may wait before the reminder alarm: well inside SQS's 14 days. */
export const DEAD_LETTER_AGE_ALARM = Duration.days(3);

/**
 * Sends each function's failed async invocations to `deadLetters` (after Lambda's retries) and
 * raises an alarm, mailed to `alarmTo`, as soon as anything is in the queue. Every other alarm
 * of the stack (infra/alarms.ts) goes to the same topic.
 */
export function watchFailures(
  scope: Construct,
  deadLetters: Queue,
  asyncFunctions: readonly NodejsFunction[],
  alarmTo: readonly string[],
  prefix: string,
) {
  for (const fn of asyncFunctions) {
    fn.configureAsyncInvoke({
      retryAttempts: ASYNC_RETRY_ATTEMPTS,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      // Grants the function sqs:SendMessage on this queue only.
      onFailure: new SqsDestination(deadLetters),
    });
  }

  const alerts = new Topic(scope, 'OperatorAlerts', {
    displayName: 'cart-recovery: something failed and needs a look',
    enforceSSL: true,
  });
  // Settings refuse a deploy without one: an alarm nobody receives is no alarm.
  for (const address of alarmTo) alerts.addSubscription(new EmailSubscription(address));

  const alarm = new Alarm(scope, 'DeadLettersAlarm', {
    alarmName: `${prefix}-dead-letters`,
    alarmDescription:
      'A wake-up, export, summary or SES feedback run failed after its retries and is in the ' +
      'dead-letter queue (output WakeupDeadLetterQueueUrl). See docs/deploy-aws.md, "Running it".',
    metric: deadLetters.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // An empty queue reports no datapoints for a while: that is the healthy state.
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(alerts));

  const ageAlarm = new Alarm(scope, 'DeadLettersAgeAlarm', {
    alarmName: `${prefix}-dead-letters-waiting`,
    alarmDescription:
      `A dead letter has waited ${DEAD_LETTER_AGE_ALARM.toDays()} days in the queue of output ` +
      'WakeupDeadLetterQueueUrl; SQS deletes it after 14. Re-run the waiter for its cart (or the ' +
      'job), then delete the message. See docs/deploy-aws.md, "Running it".',
    metric: deadLetters.metricApproximateAgeOfOldestMessage({
      period: Duration.hours(1),
      statistic: 'Maximum',
    }),
    threshold: DEAD_LETTER_AGE_ALARM.toSeconds(),
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  ageAlarm.addAlarmAction(new SnsAction(alerts));
  return { alerts, alarm, ageAlarm };
}
