/**
 * CartRecoveryStack: everything the service needs on AWS (SPEC section 6). Each function gets
 * only the variables, tables, secrets and actions it uses.
 *
 * CR_PUBLIC_URL and the Function URL: a function's environment cannot contain its own URL (the
 * URL is created after the function, so CloudFormation would see a cycle). Functions other than
 * `http` get the Function URL from the template. `http` gets CR_PUBLIC_URL only when a custom
 * domain is configured (`-c publicUrl=https://...`); otherwise it takes its base URL from the
 * request it is answering (`https://` + `requestContext.domainName`), which is by definition the
 * URL the store and shoppers reach it on. The waiter's ARN is built from its fixed name for the
 * same reason (it arms its own next wake-up).
 *
 * Bounded and watched: the http function and the waiter have reserved concurrency (settings-
 * operations.ts), every table access is granted action by action (grants.ts), and every way a
 * wake-up can fail raises an alarm mailed to the alarm addresses (failures.ts, alarms.ts).
 */
import { ArnFormat, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { createAlarms } from './alarms.ts';
import { watchFailures } from './failures.ts';
import { createCrFunction, minutes, seconds } from './functions.ts';
import { grantTableAccess } from './grants.ts';
import {
  createMailFeedback,
  createTables,
  createWakeupPlumbing,
  sendMailStatement,
  wakeupStatements,
} from './resources.ts';
import { createAppSecret } from './secrets.ts';
import type { CartRecoverySettings } from './settings.ts';

export interface CartRecoveryStackProps extends StackProps {
  readonly settings: CartRecoverySettings;
}

export type FunctionKey =
  | 'http'
  | 'waiter'
  | 'nightlyExport'
  | 'monthlySummary'
  | 'sesFeedback'
  | 'rearm';

export class CartRecoveryStack extends Stack {
  readonly functions: Readonly<Record<FunctionKey, NodejsFunction>>;
  readonly tables: ReturnType<typeof createTables>;
  readonly schedulerRole: Role;
  readonly alarms: ReturnType<typeof createAlarms>;

  constructor(scope: Construct, id: string, props: CartRecoveryStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const { prefix, operations } = settings;

    const tables = createTables(this, prefix);
    const wakeups = createWakeupPlumbing(this, prefix);
    const secrets = createAppSecret(this, prefix);
    const mail = createMailFeedback(this, prefix);
    const sendMail = sendMailStatement(
      this,
      settings.sesIdentity,
      mail.configurationSet.configurationSetName,
    );

    const waiterName = `${prefix}-waiter`;
    const waiterArn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: waiterName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const tableEnv = {
      CR_TABLE_STATE: tables.state.tableName,
      CR_TABLE_AUDIT: tables.audit.tableName,
      CR_TABLE_UNSUBSCRIBE: tables.unsubscribe.tableName,
    };
    const wakeupEnv = {
      CR_SCHEDULE_GROUP: wakeups.group.scheduleGroupName,
      CR_WAITER_ARN: waiterArn,
      CR_SCHEDULER_ROLE_ARN: wakeups.role.roleArn,
      CR_SCHEDULE_DLQ_ARN: wakeups.deadLetters.queueArn,
      // Read where the Scheduler adapter is built (its config-table-aws.ts row); unset means OFF.
      ...(operations.wakeupWindowMinutes === undefined
        ? {}
        : { CR_WAKEUP_WINDOW_MINUTES: String(operations.wakeupWindowMinutes) }),
    };
    const storeEnv = {
      ...settings.policyEnv,
      CR_FROM: settings.from,
      CR_STORE_NAME: settings.storeName,
      CR_STORE_ADDRESS: settings.storeAddress,
    };
    const mailEnv = {
      CR_MAIL: 'ses',
      CR_SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
    };

    const http = createCrFunction(this, 'Http', {
      entry: 'http',
      description: 'cart-recovery HTTP app: webhooks, shopper links, owner API and pages',
      memorySize: 512,
      timeout: seconds(15),
      withTemplates: true,
      reservedConcurrency: operations.httpConcurrency,
      environment: {
        ...tableEnv,
        ...wakeupEnv,
        ...storeEnv,
        ...(settings.publicUrl === undefined ? {} : { CR_PUBLIC_URL: settings.publicUrl }),
        CR_SECRETS_NAME: secrets.name,
      },
    });
    const url = http.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    const publicUrl = settings.publicUrl ?? url.url;

    const waiter = createCrFunction(this, 'Waiter', {
      entry: 'waiter',
      functionName: waiterName,
      description: 'cart-recovery waiter: runs one wake-up (input {"cartId"})',
      memorySize: 512,
      timeout: seconds(30),
      withTemplates: true,
      reservedConcurrency: operations.waiterConcurrency,
      environment: {
        ...tableEnv,
        ...wakeupEnv,
        ...storeEnv,
        ...mailEnv,
        CR_PUBLIC_URL: publicUrl,
        CR_SECRETS_NAME: secrets.name,
      },
    });
    wakeups.role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [waiter.functionArn] }),
    );

    const nightlyExport = createCrFunction(this, 'NightlyExport', {
      entry: 'nightly-export',
      description: "cart-recovery nightly sheet: the last day's carts",
      memorySize: 512,
      timeout: minutes(5),
      environment: {
        ...tableEnv,
        ...storeEnv,
        CR_PUBLIC_URL: publicUrl,
        CR_SECRETS_NAME: secrets.name,
        ...(settings.googleFolderId === undefined
          ? {}
          : { CR_GOOGLE_FOLDER_ID: settings.googleFolderId }),
      },
    });

    const monthlySummary = createCrFunction(this, 'MonthlySummary', {
      entry: 'monthly-summary',
      description: 'cart-recovery monthly summary: last month, mailed to the report-to list',
      memorySize: 512,
      timeout: minutes(5),
      environment: {
        ...tableEnv,
        ...storeEnv,
        ...mailEnv,
        CR_PUBLIC_URL: publicUrl,
        ...(settings.reportTo === undefined ? {} : { CR_REPORT_TO: settings.reportTo }),
      },
    });

    const sesFeedback = createCrFunction(this, 'SesFeedback', {
      entry: 'ses-feedback',
      description: 'cart-recovery SES feedback: bounces and complaints leave the list',
      memorySize: 256,
      timeout: seconds(30),
      environment: {
        CR_TABLE_AUDIT: tables.audit.tableName,
        CR_TABLE_UNSUBSCRIBE: tables.unsubscribe.tableName,
      },
    });

    // Run by hand after a restore (src/lambda/rearm.ts); never scheduled. 15 minutes, Lambda's
    // limit, so a large table is walked in one invocation (a longer walk answers `next`).
    const rearm = createCrFunction(this, 'Rearm', {
      entry: 'rearm',
      description: "cart-recovery rearm: re-creates every open cart's wake-up (after a restore)",
      memorySize: 256,
      timeout: minutes(15),
      environment: {
        CR_TABLE_STATE: tables.state.tableName,
        CR_TABLE_AUDIT: tables.audit.tableName,
        ...wakeupEnv,
      },
    });

    // Data access, per function: exactly the DynamoDB actions each one's code calls.
    grantTableAccess({ http, waiter, nightlyExport, monthlySummary, sesFeedback, rearm }, tables);
    const [armStatement, passRole] = wakeupStatements(wakeups.schedulesArn, wakeups.role.roleArn);
    for (const fn of [http, waiter]) {
      for (const statement of [armStatement, passRole])
        if (statement) fn.addToRolePolicy(statement);
    }
    // Rearm only creates: it passes no previous time, so it never deletes a schedule.
    rearm.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [wakeups.schedulesArn],
      }),
    );
    if (passRole) rearm.addToRolePolicy(passRole);
    for (const fn of [http, waiter, nightlyExport]) secrets.secret.grantRead(fn);
    waiter.addToRolePolicy(sendMail);
    monthlySummary.addToRolePolicy(sendMail);

    // Triggers.
    new Rule(this, 'NightlyExportRule', {
      description: 'Nightly sheet of the last complete day',
      schedule: Schedule.expression(settings.exportSchedule),
      targets: [new LambdaFunction(nightlyExport, { retryAttempts: 2 })],
    });
    new Rule(this, 'MonthlySummaryRule', {
      description: 'Monthly summary of the last month',
      schedule: Schedule.expression(settings.summarySchedule),
      targets: [new LambdaFunction(monthlySummary, { retryAttempts: 2 })],
    });
    mail.topic.addSubscription(new LambdaSubscription(sesFeedback));
    const failures = watchFailures(
      this,
      wakeups.deadLetters,
      [waiter, nightlyExport, monthlySummary, sesFeedback],
      operations.alarmTo,
      prefix,
    );
    this.alarms = createAlarms(this, {
      prefix,
      alerts: failures.alerts,
      http,
      waiter,
      tables,
      wakeupGroup: wakeups.group,
    });

    this.functions = { http, waiter, nightlyExport, monthlySummary, sesFeedback, rearm };
    this.tables = tables;
    this.schedulerRole = wakeups.role;

    new CfnOutput(this, 'FunctionUrl', { value: url.url, description: 'Base URL of the app' });
    new CfnOutput(this, 'WebhookUrl', {
      value: Fn.join('', [url.url, 'events']),
      description: "Paste into the store's webhook settings",
    });
    new CfnOutput(this, 'SecretsName', {
      value: secrets.name,
      description: 'The one JSON secret: webhook secret, owner tokens, Shopify and Google keys',
    });
    new CfnOutput(this, 'RearmFunctionName', {
      value: rearm.functionName,
      description: "Invoke after a point-in-time restore: re-creates every open cart's wake-up",
    });
    new CfnOutput(this, 'SesFeedbackTopicArn', { value: mail.topic.topicArn });
    new CfnOutput(this, 'SesConfigurationSet', {
      value: mail.configurationSet.configurationSetName,
    });
    new CfnOutput(this, 'WakeupDeadLetterQueueUrl', {
      value: wakeups.deadLetters.queueUrl,
      description: 'Failed wake-ups and jobs; should stay empty (an alarm fires otherwise)',
    });
    new CfnOutput(this, 'OperatorAlertsTopicArn', { value: failures.alerts.topicArn });
  }
}
