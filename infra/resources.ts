/**
 * The stateful parts of the stack (tables, the wake-up plumbing, the mail feedback path; the one
 * secret is in secrets.ts), each built by a small function so the stack file reads as wiring.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

const S = AttributeType.STRING;
export const TTL_ATTRIBUTE = 'expiresAt';

/** Key names shared with src/adapters/dynamodb/dynamodb-tables.ts: change both or neither. */
function table(scope: Construct, id: string, tableName: string, withSortKeyAndTtl: boolean) {
  return new Table(scope, id, {
    tableName,
    partitionKey: { name: 'pk', type: S },
    // Seen-event markers and audit rows expire; unsubscribe rows never do.
    ...(withSortKeyAndTtl
      ? { sortKey: { name: 'sk', type: S }, timeToLiveAttribute: TTL_ATTRIBUTE }
      : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Carts, audit and the unsubscribe list outlive any one deployment (and the law may ask for
    // the audit): deleting the stack keeps them, and no one deletes them by a slip of the console
    // or the API either (turn deletion protection off first, on purpose).
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
}

/**
 * Index projections as src/adapters/dynamodb/dynamodb-tables.ts `Projections` declares them: each index
 * keeps what its queries read, and the rows themselves are fetched by key.
 */
const keysOnly = { projectionType: ProjectionType.KEYS_ONLY };
const include = (...nonKeyAttributes: string[]) => ({
  projectionType: ProjectionType.INCLUDE,
  nonKeyAttributes,
});

export function createTables(scope: Construct, prefix: string) {
  const state = table(scope, 'StateTable', `${prefix}-state`, true);
  // Partition key only: the row's own key names the cart (no sort key to store or move).
  state.addGlobalSecondaryIndex({
    indexName: 'byEmail',
    partitionKey: { name: 'gsi1pk', type: S },
    ...keysOnly,
  });
  state.addGlobalSecondaryIndex({
    indexName: 'byDay',
    partitionKey: { name: 'gsi2pk', type: S },
    ...include('lastActivityAt'),
  });
  const audit = table(scope, 'AuditTable', `${prefix}-audit`, true);
  // Sorted by the row's own sort key (time, then a unique suffix).
  audit.addGlobalSecondaryIndex({
    indexName: 'byEmail',
    partitionKey: { name: 'gsi1pk', type: S },
    sortKey: { name: 'sk', type: S },
    ...include('action', 'at'),
  });
  audit.addGlobalSecondaryIndex({
    indexName: 'byMonth',
    partitionKey: { name: 'gsi2pk', type: S },
    sortKey: { name: 'sk', type: S },
    ...include('action', 'at'),
  });
  const unsubscribe = table(scope, 'UnsubscribeTable', `${prefix}-unsubscribe`, false);
  unsubscribe.addGlobalSecondaryIndex({
    indexName: 'byDay',
    partitionKey: { name: 'gsi2pk', type: S },
    sortKey: { name: 'gsi2sk', type: S },
  });
  return { state, audit, unsubscribe };
}

/**
 * The wake-up plumbing: one schedule group, a role Scheduler assumes that may invoke only the
 * waiter, and a dead-letter queue for deliveries that fail after Scheduler's retries.
 *
 * The group is retained like the tables: deleting a group deletes every schedule in it, and each
 * open cart's only timer is its schedule (nothing else would ever wake it). Kept, the schedules
 * of a destroyed stack still name the waiter by its fixed name.
 */
export function createWakeupPlumbing(scope: Construct, prefix: string) {
  const stack = Stack.of(scope);
  const group = new ScheduleGroup(scope, 'WakeupGroup', {
    scheduleGroupName: `${prefix}-wakeups`,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const deadLetters = new Queue(scope, 'WakeupDeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const role = new Role(scope, 'SchedulerRole', {
    description: 'Assumed by EventBridge Scheduler to run the cart-recovery waiter',
    // aws:SourceAccount: no other account's schedules can borrow this role (confused deputy).
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  deadLetters.grantSendMessages(role);
  const schedulesArn = stack.formatArn({
    service: 'scheduler',
    resource: 'schedule',
    resourceName: `${group.scheduleGroupName}/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  return { group, deadLetters, role, schedulesArn };
}

/** What arms, moves and cancels wake-ups needs: the group's schedules and passing the role. */
export function wakeupStatements(schedulesArn: string, schedulerRoleArn: string) {
  return [
    new PolicyStatement({
      // Schedules are named by fire time and never updated in place (see scheduler-wakeups.ts).
      actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      resources: [schedulesArn],
    }),
    new PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [schedulerRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  ];
}

/**
 * Bounces and complaints: SES publishes them (through the configuration set every send uses) to
 * one topic, which the ses-feedback function reads to keep those addresses off the list.
 */
export function createMailFeedback(scope: Construct, prefix: string) {
  const stack = Stack.of(scope);
  const topic = new Topic(scope, 'SesFeedbackTopic', {
    displayName: 'cart-recovery SES bounces and complaints',
    enforceSSL: true,
  });
  topic.addToResourcePolicy(
    new PolicyStatement({
      actions: ['sns:Publish'],
      principals: [new ServicePrincipal('ses.amazonaws.com')],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  );
  const configurationSet = new ConfigurationSet(scope, 'MailConfigurationSet', {
    configurationSetName: `${prefix}-mail`,
  });
  configurationSet.addEventDestination('Feedback', {
    destination: EventDestination.snsTopic(topic),
    events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
  });
  return { topic, configurationSet };
}

/** Sending is allowed from one identity through one configuration set, nothing else. */
export function sendMailStatement(scope: Construct, identity: string, configurationSet: string) {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({
      service: 'ses',
      resource,
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return new PolicyStatement({
    actions: ['ses:SendEmail', 'ses:SendRawEmail'],
    resources: [arn('identity', identity), arn('configuration-set', configurationSet)],
  });
}
