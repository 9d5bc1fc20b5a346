import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditTableDefinition,
  stateTableDefinition,
  unsubscribeTableDefinition,
} from '../src/adapters/dynamodb/dynamodb-tables.ts';
import type { FunctionKey } from './stack.ts';
import {
  actionsOf,
  type Json,
  KEYS,
  resourcesOf,
  type Statement,
  synth,
  TEST_ALARM_TO,
} from './test-synth.ts';

let d: ReturnType<typeof synth>;
beforeAll(() => {
  d = synth();
});

describe('CartRecoveryStack resources', () => {
  it('has the expected resources, one of each kind the service uses', () => {
    const { template } = d;
    template.resourceCountIs('AWS::DynamoDB::Table', 3);
    template.resourceCountIs('AWS::Lambda::Function', 6);
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'cr-wakeups' });
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasOutput('FunctionUrl', {});
    template.hasOutput('WebhookUrl', {});
  });

  it('defines the three tables with the key schema the DynamoDB adapter expects', () => {
    const { template } = d;
    // Projections match the adapter's (src/adapters/dynamodb/dynamodb-tables.ts): each index holds
    // only what its queries read, so a write that changes nothing else writes nothing there.
    const gsi = (name: string, pk: string, sk: string, Projection: Json) =>
      Match.objectLike({
        IndexName: name,
        KeySchema: [
          { AttributeName: pk, KeyType: 'HASH' },
          { AttributeName: sk, KeyType: 'RANGE' },
        ],
        Projection,
      });
    const hashOnly = (name: string, pk: string, Projection: Json) =>
      Match.objectLike({
        IndexName: name,
        KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }],
        Projection,
      });
    const keysOnly = { ProjectionType: 'KEYS_ONLY' };
    const include = (...names: string[]) => ({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: names,
    });
    const common = {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    };
    const pkSk = [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ];
    const ttl = { AttributeName: 'expiresAt', Enabled: true };
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'cr-state',
      KeySchema: pkSk,
      TimeToLiveSpecification: ttl,
      GlobalSecondaryIndexes: [
        hashOnly('byEmail', 'gsi1pk', keysOnly),
        hashOnly('byDay', 'gsi2pk', include('lastActivityAt')),
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'cr-audit',
      KeySchema: pkSk,
      TimeToLiveSpecification: ttl,
      GlobalSecondaryIndexes: [
        gsi('byEmail', 'gsi1pk', 'sk', include('action', 'at')),
        gsi('byMonth', 'gsi2pk', 'sk', include('action', 'at')),
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'cr-unsubscribe',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: Match.absent(),
      GlobalSecondaryIndexes: [gsi('byDay', 'gsi2pk', 'gsi2sk', { ProjectionType: 'ALL' })],
    });
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('declares each index as the adapter and DynamoDB Local define it (keys and projection)', () => {
    const tables = Object.values(d.template.findResources('AWS::DynamoDB::Table'));
    const indexesOf = (name: string) => {
      const table = tables.find((t) => (t.Properties as Json).TableName === name);
      const gsis = ((table?.Properties as Json | undefined)?.GlobalSecondaryIndexes ??
        []) as Json[];
      return gsis.map(({ IndexName, KeySchema, Projection }) => ({
        IndexName,
        KeySchema,
        Projection,
      }));
    };
    for (const def of [
      stateTableDefinition('cr-state'),
      auditTableDefinition('cr-audit'),
      unsubscribeTableDefinition('cr-unsubscribe'),
    ]) {
      const expected = (def.GlobalSecondaryIndexes ?? []).map(
        ({ IndexName, KeySchema, Projection }) => ({
          IndexName,
          KeySchema,
          // CloudFormation spells "all attributes" out; the SDK's definitions do too.
          Projection,
        }),
      );
      expect(indexesOf(String(def.TableName)), def.TableName).toEqual(expected);
    }
  });

  it('runs every function on the newest Node.js runtime, arm64, with a retained log group', () => {
    const { template, fn } = d;
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const key of KEYS) {
      const props = fn(key).Properties as Json;
      expect(props.Runtime, key).toBe('nodejs24.x');
      expect(props.Architectures, key).toEqual(['arm64']);
      expect(props.MemorySize as number, key).toBeGreaterThanOrEqual(256);
      expect(props.MemorySize as number, key).toBeLessThanOrEqual(512);
      const groupRef = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logGroups[groupRef]?.Properties.RetentionInDays, key).toBe(30);
    }
  });

  it('bundles ESM with a require shim, the email templates only where emails are rendered', () => {
    const { assetDir, env } = d;
    for (const key of KEYS) {
      const code = readFileSync(path.join(assetDir(key), 'index.mjs'), 'utf8');
      expect(code.startsWith('import { createRequire as __crCreateRequire }'), key).toBe(true);
    }
    for (const key of ['http', 'waiter'] as const) {
      expect(existsSync(path.join(assetDir(key), 'templates', 'step-1.html')), key).toBe(true);
      // The shared footer carries the unsubscribe link and postal address every email needs.
      const footer = path.join(assetDir(key), 'templates', 'partials', 'footer.html');
      expect(existsSync(footer), key).toBe(true);
      expect(env(key).CR_TEMPLATES_DIR).toBe('/var/task/templates');
    }
    for (const key of ['nightlyExport', 'monthlySummary', 'sesFeedback'] as const) {
      expect(existsSync(path.join(assetDir(key), 'templates')), key).toBe(false);
      expect(env(key).CR_TEMPLATES_DIR, key).toBeUndefined();
    }
  });

  it('triggers the export daily, the summary monthly and feedback from the SES topic', () => {
    const { template } = d;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(30 0 * * ? *)',
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 1 * ? *)',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({ MatchingEventTypes: ['bounce', 'complaint'] }),
    });
  });
});

describe('CartRecoveryStack environment and secrets', () => {
  it('gives each function only the variables it needs', () => {
    const { env } = d;
    expect(Object.keys(env('sesFeedback')).sort()).toEqual([
      'CR_TABLE_AUDIT',
      'CR_TABLE_UNSUBSCRIBE',
      'NODE_OPTIONS',
    ]);
    expect(env('http').CR_MAIL).toBeUndefined();
    expect(env('waiter').CR_MAIL).toBe('ses');
    expect(env('monthlySummary').CR_MAIL).toBe('ses');
    expect(env('nightlyExport').CR_SCHEDULE_GROUP).toBeUndefined();
    expect(env('monthlySummary').CR_WAITER_ARN).toBeUndefined();
    for (const key of ['http', 'waiter'] as const) {
      expect(env(key).CR_SCHEDULE_GROUP, key).toBe('cr-wakeups');
      expect(JSON.stringify(env(key).CR_WAITER_ARN), key).toContain(':function:cr-waiter');
      expect(env(key).CR_SCHEDULER_ROLE_ARN, key).toBeDefined();
    }
    expect(env('waiter').CR_FROM).toBe('Demo Store <reminders@shop.example>');
  });

  it('gives http no CR_PUBLIC_URL by default (it reads the request) and the others the URL', () => {
    const { env, template } = d;
    expect(env('http').CR_PUBLIC_URL).toBeUndefined();
    const urlId = Object.keys(template.findResources('AWS::Lambda::Url'))[0];
    for (const key of ['waiter', 'nightlyExport', 'monthlySummary'] as const) {
      expect(env(key).CR_PUBLIC_URL, key).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
    }
  });

  it('creates one secret, its seed generated at deploy time, and passes only its name', () => {
    const { template, env, stackJson } = d;
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.Properties.Name).toBe('cr/secrets');
    expect(secrets[0]?.Properties.SecretString).toBeUndefined();
    expect(secrets[0]?.Properties.GenerateSecretString).toMatchObject({
      SecretStringTemplate: '{}',
      GenerateStringKey: 'seed',
      PasswordLength: 64,
    });
    expect(secrets[0]?.DeletionPolicy).toBe('Retain');
    expect(stackJson).not.toMatch(/"SecretString"\s*:/);
    expect(stackJson).not.toMatch(/"(CR_WEBHOOK_SECRET|CR_OWNERS|CR_SHOPIFY_SECRET)"/);
    for (const key of ['http', 'waiter', 'nightlyExport'] as const) {
      expect(env(key).CR_SECRETS_NAME, key).toBe('cr/secrets');
      expect(
        Object.keys(env(key)).filter((name) => name.endsWith('_SECRET_NAME')),
        key,
      ).toEqual([]);
    }
    for (const key of ['monthlySummary', 'sesFeedback', 'rearm'] as const) {
      expect(env(key).CR_SECRETS_NAME, key).toBeUndefined();
    }
  });

  it('deploys rearm unscheduled, with the state table and the wake-up plumbing only', () => {
    const { env, fn, template } = d;
    expect(Object.keys(env('rearm')).sort()).toEqual([
      'CR_SCHEDULER_ROLE_ARN',
      'CR_SCHEDULE_DLQ_ARN',
      'CR_SCHEDULE_GROUP',
      'CR_TABLE_AUDIT',
      'CR_TABLE_STATE',
      'CR_WAITER_ARN',
      'NODE_OPTIONS',
    ]);
    expect((fn('rearm').Properties as { Timeout: number }).Timeout).toBe(900);
    const rearmArn = JSON.stringify(fn('rearm'));
    expect(rearmArn).toContain('rearm');
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      const targets = JSON.stringify(rule.Properties.Targets);
      expect(targets).not.toContain(
        d.stack.getLogicalId(d.stack.functions.rearm.node.defaultChild as never),
      );
    }
    template.hasOutput('RearmFunctionName', {});
  });
});

describe('CartRecoveryStack IAM', () => {
  it('never grants on a wildcard resource', () => {
    const { template } = d;
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const s of policy.Properties.PolicyDocument.Statement as Statement[]) {
        expect(resourcesOf(s)).not.toContain('*');
      }
    }
  });

  it('grants each function only its own tables, secrets and actions', () => {
    const { statementsOf, roleOf, stack } = d;
    const ref = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as never);
    const grantedOn = (key: FunctionKey) =>
      JSON.stringify(statementsOf(roleOf(key)).map((s) => s.Resource));
    const state = ref(stack.tables.state);
    const audit = ref(stack.tables.audit);
    const unsubscribe = ref(stack.tables.unsubscribe);
    // Which tables each function touches at all (the actions: infra/grants.test.ts).
    const uses: Record<FunctionKey, string[]> = {
      http: [state, audit, unsubscribe],
      waiter: [state, audit, unsubscribe],
      nightlyExport: [state],
      monthlySummary: [state, audit],
      sesFeedback: [audit, unsubscribe],
      rearm: [state],
    };
    for (const key of KEYS) {
      for (const table of [state, audit, unsubscribe]) {
        if (uses[key].includes(table)) expect(grantedOn(key), key).toContain(table);
        else expect(grantedOn(key), key).not.toContain(table);
      }
    }
    const writes = (key: FunctionKey) =>
      statementsOf(roleOf(key))
        .filter((s) => actionsOf(s).includes('dynamodb:PutItem'))
        .flatMap(resourcesOf);
    expect(writes('nightlyExport')).toEqual([]);
    expect(writes('monthlySummary')).toEqual([]);
    expect(writes('rearm')).toEqual([]);
    const secretId = Object.keys(d.template.findResources('AWS::SecretsManager::Secret'))[0] ?? '';
    for (const key of KEYS) {
      const readsSecret = statementsOf(roleOf(key)).some(
        (s) =>
          actionsOf(s).includes('secretsmanager:GetSecretValue') &&
          JSON.stringify(s.Resource).includes(secretId),
      );
      expect(readsSecret, key).toBe(['http', 'waiter', 'nightlyExport'].includes(key));
    }
    const actions = (key: FunctionKey) => statementsOf(roleOf(key)).flatMap(actionsOf);
    expect(actions('nightlyExport')).not.toContain('ses:SendEmail');
    expect(actions('http')).not.toContain('ses:SendEmail');
    expect(actions('waiter')).toContain('ses:SendEmail');
    expect(actions('monthlySummary')).toContain('ses:SendEmail');
  });

  it('sends mail only as the configured SES identity', () => {
    const { statementsOf, roleOf } = d;
    const ses = statementsOf(roleOf('waiter')).find((s) => actionsOf(s).includes('ses:SendEmail'));
    expect(JSON.stringify(ses?.Resource)).toContain(':identity/shop.example"');
    expect(JSON.stringify(ses?.Resource)).toContain(':configuration-set/');
  });

  it('lets only http and the waiter manage schedules and rearm create them, in the group, passing only its role', () => {
    const { statementsOf, roleOf, stack } = d;
    const roleId = stack.getLogicalId(stack.schedulerRole.node.defaultChild as never);
    for (const key of KEYS) {
      const statements = statementsOf(roleOf(key));
      const schedule = statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('scheduler:')),
      );
      const passRole = statements.filter((s) => actionsOf(s).includes('iam:PassRole'));
      if (key !== 'http' && key !== 'waiter' && key !== 'rearm') {
        expect(schedule, key).toEqual([]);
        expect(passRole, key).toEqual([]);
        continue;
      }
      expect(schedule.flatMap(actionsOf).sort(), key).toEqual(
        key === 'rearm'
          ? ['scheduler:CreateSchedule']
          : ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
      );
      expect(JSON.stringify(schedule.map((s) => s.Resource))).toContain(':schedule/cr-wakeups/*"');
      expect(passRole).toHaveLength(1);
      expect(passRole[0]?.Resource).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(passRole[0]?.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
      });
    }
  });

  it('lets Scheduler invoke only the waiter and write only to the dead-letter queue', () => {
    const { statementsOf, stack, template } = d;
    const roleId = stack.getLogicalId(stack.schedulerRole.node.defaultChild as never);
    const waiterId = stack.getLogicalId(stack.functions.waiter.node.defaultChild as never);
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    const statements = statementsOf(roleId);
    expect(statements.flatMap(actionsOf).sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    for (const s of statements) {
      const target = actionsOf(s).includes('lambda:InvokeFunction') ? waiterId : queueId;
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [target, 'Arn'] });
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });
});

describe('CartRecoveryStack failures', () => {
  const ASYNC: FunctionKey[] = ['waiter', 'nightlyExport', 'monthlySummary', 'sesFeedback'];

  it("sends every async function's failed invocation to the dead-letter queue after 2 retries", () => {
    const { template, stack } = d;
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig'));
    const configured = configs.map((c) => c.Properties.FunctionName.Ref as string).sort();
    const ids = (keys: FunctionKey[]) =>
      keys.map((k) => stack.getLogicalId(stack.functions[k].node.defaultChild as never)).sort();
    // http answers Function URL requests synchronously: the caller sees its errors.
    expect(configured).toEqual(ids(ASYNC));
    for (const config of configs) {
      expect(config.Properties).toMatchObject({
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
    }
  });

  it('lets each async function send to the dead-letter queue, and only to it', () => {
    const { template, statementsOf, roleOf } = d;
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    for (const key of KEYS) {
      const sends = statementsOf(roleOf(key)).filter((s) =>
        actionsOf(s).includes('sqs:SendMessage'),
      );
      // http answers its callers, and rearm is invoked by hand: neither is invoked async.
      if (key === 'http' || key === 'rearm') {
        expect(sends, key).toEqual([]);
        continue;
      }
      expect(sends.flatMap(resourcesOf), key).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    }
  });

  it('raises an alarm on the first dead letter, to a topic the alarm addresses subscribe', () => {
    const { template } = d;
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    const alerts = Object.entries(template.findResources('AWS::SNS::Topic')).find(
      ([, topic]) => !String(topic.Properties.DisplayName).includes('SES'),
    );
    expect(alerts).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: alerts?.[0] }],
    });
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: TEST_ALARM_TO,
    });

    // Without alarmTo, the alarm goes to whoever gets the summary.
    const withReportTo = synth({ alarmTo: '', reportTo: 'sam@shop.example, ops@shop.example' });
    withReportTo.template.resourcePropertiesCountIs(
      'AWS::SNS::Subscription',
      { Protocol: 'email' },
      2,
    );
    withReportTo.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@shop.example',
    });
  });
});

describe('CartRecoveryStack settings from context', () => {
  it('uses a custom domain, sender, Shopify secret and policy when given', () => {
    const custom = synth({
      publicUrl: 'https://recover.myshop.com/',
      from: 'My Shop <hello@mail.myshop.com>',
      shopify: 'true',
      cadence: '30m,1d',
      prefix: 'shop1',
    });
    expect(custom.env('http').CR_PUBLIC_URL).toBe('https://recover.myshop.com');
    expect(custom.env('waiter').CR_PUBLIC_URL).toBe('https://recover.myshop.com');
    expect(custom.env('waiter').CR_CADENCE).toBe('30m,1d');
    // Shopify's secret is a field of the one secret: no fifth secret, no fifth $0.40.
    expect(custom.env('http').CR_SECRETS_NAME).toBe('shop1/secrets');
    custom.template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    custom.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'shop1-state' });
    expect(custom.stackJson).toContain(':identity/mail.myshop.com"');
    expect(custom.stackJson).toContain(':schedule/shop1-wakeups/*"');
  });

  it('refuses settings the Lambdas would refuse at start-up', () => {
    expect(() => synth({ cadence: '1h,banana' })).toThrow(/CR_CADENCE/);
    expect(() => synth({ from: 'no address here' })).toThrow(/from/);
    expect(() => synth({ publicUrl: 'http://insecure.example' })).toThrow(/https/);
    expect(() => synth({ exportSchedule: 'every night' })).toThrow(/exportSchedule/);
  });
});
