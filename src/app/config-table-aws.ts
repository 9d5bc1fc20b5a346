/**
 * The rows of the configuration table only the Lambda functions read: names the CDK stack sets
 * (tables, the schedule group, the secret) and the one value among them with a rule, the wake-up
 * window. Apart from config-table.ts, and free of the event schemas, so a function that needs no
 * store settings (rearm, ses-feedback) loads only this.
 */
import { bad, ok, type Parsed, type Setting } from './config-setting.ts';

/** Scheduler's bounds for MaximumWindowInMinutes. */
const MAX_WINDOW_MINUTES = 1440;

/** Unset, `off` or `0` is OFF (undefined): every wake-up fires on time. */
function wakeupWindow(value: string, variable: string): Parsed<number | undefined> {
  const lower = value.toLowerCase();
  if (lower === 'off' || lower === '0') return ok(undefined);
  const minutes = /^\d{1,4}$/.test(lower) ? Number(lower) : Number.NaN;
  return minutes >= 1 && minutes <= MAX_WINDOW_MINUTES
    ? ok(minutes)
    : bad(`${variable}: "${value}" must be off or whole minutes from 1 to ${MAX_WINDOW_MINUTES}`);
}

const byStack = { kind: 'stack' } as const;
/** A name the stack always sets where a function reads it; without it the function stops, naming it. */
const required = 'required where read';
const legacy = (what: string) =>
  `the Secrets Manager secret holding ${what}, as deploys before the one JSON secret named it; read only when \`CR_SECRETS_NAME\` is unset`;

export const AWS_RUNTIME_SETTINGS = {
  tableState: {
    variable: 'CR_TABLE_STATE',
    doc: 'the DynamoDB table of carts, their identities and the day counters',
    defaultDoc: required,
    aws: byStack,
  },
  tableAudit: {
    variable: 'CR_TABLE_AUDIT',
    doc: "the DynamoDB table of every cart's audit rows",
    defaultDoc: required,
    aws: byStack,
  },
  tableUnsubscribe: {
    variable: 'CR_TABLE_UNSUBSCRIBE',
    doc: 'the DynamoDB table of unsubscribed addresses',
    defaultDoc: required,
    aws: byStack,
  },
  scheduleGroup: {
    variable: 'CR_SCHEDULE_GROUP',
    doc: "the EventBridge Scheduler group holding each cart's one wake-up",
    defaultDoc: required,
    aws: byStack,
  },
  waiterArn: {
    variable: 'CR_WAITER_ARN',
    doc: 'the waiter function each wake-up invokes',
    defaultDoc: required,
    aws: byStack,
  },
  schedulerRoleArn: {
    variable: 'CR_SCHEDULER_ROLE_ARN',
    doc: 'the role Scheduler assumes to invoke the waiter',
    defaultDoc: required,
    aws: byStack,
  },
  scheduleDeadLetterArn: {
    variable: 'CR_SCHEDULE_DLQ_ARN',
    doc: 'the queue a wake-up Scheduler could not deliver lands in (an alarm watches it)',
    defaultDoc: required,
    aws: byStack,
  },
  wakeupWindowMinutes: {
    variable: 'CR_WAKEUP_WINDOW_MINUTES',
    defaultDoc: '`off`',
    doc: "Scheduler's flexible window for every wake-up, whole minutes 1 to 1440: held wake-ups (quiet hours ending for everyone) spread over it, late, never early",
    aws: { kind: 'stack', key: 'wakeupWindowMinutes' },
    parse: wakeupWindow,
  },
  sesConfigurationSet: {
    variable: 'CR_SES_CONFIGURATION_SET',
    doc: 'the SES configuration set whose bounces and complaints reach the ses-feedback function',
    defaultDoc: required,
    aws: byStack,
  },
  secretsName: {
    variable: 'CR_SECRETS_NAME',
    doc: 'the one JSON secret (`cr/secrets`) holding the webhook, link, owner, platform and Google secrets',
    defaultDoc: required,
    aws: byStack,
  },
  googleFolderId: {
    variable: 'CR_GOOGLE_FOLDER_ID',
    defaultDoc: 'unset (no sheet)',
    doc: 'the Google Drive folder of the nightly sheets',
    aws: { kind: 'stack', key: 'googleFolderId' },
  },
  googleCredentials: {
    variable: 'CR_GOOGLE_CREDENTIALS',
    defaultDoc: 'unset',
    doc: "the Google service account's JSON key that writes the nightly sheets",
    aws: { kind: 'secret', field: 'google' },
    secret: true,
  },
  webhookSecretName: {
    variable: 'CR_WEBHOOK_SECRET_NAME',
    doc: legacy('the webhook secret'),
    aws: { kind: 'none' },
  },
  linkSecretName: {
    variable: 'CR_LINK_SECRET_NAME',
    doc: legacy('the link secret'),
    aws: { kind: 'none' },
  },
  ownersSecretName: {
    variable: 'CR_OWNERS_SECRET_NAME',
    doc: legacy('the owner tokens'),
    aws: { kind: 'none' },
  },
  shopifySecretName: {
    variable: 'CR_SHOPIFY_SECRET_NAME',
    doc: legacy('the Shopify secret'),
    aws: { kind: 'none' },
  },
  googleCredentialsSecretName: {
    variable: 'CR_GOOGLE_CREDENTIALS_SECRET_NAME',
    doc: legacy('the Google key'),
    aws: { kind: 'none' },
  },
} as const satisfies Readonly<Record<string, Setting>>;
