import { beforeAll, describe, expect, it } from 'vitest';
import { AWS_PRICES_US_EAST_1 } from '../src/domain/aws-prices.ts';
import { costForMonth, DEFAULT_STACK } from '../src/domain/cost.ts';
import { ALARM_METRICS } from './alarms.ts';
import { SettingsError, settingsFromContext } from './settings.ts';
import type { FunctionKey } from './stack.ts';
import { type Json, KEYS, synth, TEST_ALARM_TO } from './test-synth.ts';

const operations = (context: Record<string, unknown>) =>
  settingsFromContext((key) => context[key]).operations;
const alarmTo = TEST_ALARM_TO;

function problemsOf(context: Record<string, unknown>): string {
  try {
    settingsFromContext((key) => context[key]);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('operating settings from context', () => {
  it('reserves 20 http and 5 waiter copies, and keeps the wake-up window off, by default', () => {
    expect(operations({ alarmTo })).toEqual({
      httpConcurrency: 20,
      waiterConcurrency: 5,
      wakeupWindowMinutes: undefined,
      alarmTo: [TEST_ALARM_TO],
    });
  });

  it('takes off, 0 or false as no reservation, and numbers from cdk.json as well as -c', () => {
    for (const off of ['off', 'OFF', '0', 'false', 0, false]) {
      const ops = operations({ alarmTo, httpConcurrency: off, waiterConcurrency: off });
      expect(ops.httpConcurrency, String(off)).toBeUndefined();
      expect(ops.waiterConcurrency, String(off)).toBeUndefined();
    }
    expect(operations({ alarmTo, httpConcurrency: 50, waiterConcurrency: '2' })).toMatchObject({
      httpConcurrency: 50,
      waiterConcurrency: 2,
    });
    expect(operations({ alarmTo, wakeupWindowMinutes: '15' }).wakeupWindowMinutes).toBe(15);
    expect(operations({ alarmTo, wakeupWindowMinutes: 'off' }).wakeupWindowMinutes).toBeUndefined();
  });

  it('refuses counts and windows AWS would refuse, naming the key', () => {
    const problems = problemsOf({
      alarmTo,
      httpConcurrency: '-1',
      waiterConcurrency: 'lots',
      wakeupWindowMinutes: '1441',
    });
    expect(problems).toMatch(/httpConcurrency: "-1" must be off \(or 0\) or whole/);
    expect(problems).toMatch(/waiterConcurrency: "lots"/);
    expect(problems).toMatch(/wakeupWindowMinutes: "1441" .* from 1 to 1440/);
    expect(problemsOf({ alarmTo, httpConcurrency: '2.5' })).toMatch(/httpConcurrency/);
  });

  it('refuses to build a stack whose alarms would reach nobody, saying how to fix it', () => {
    const problems = problemsOf({});
    expect(problems).toMatch(/^alarmTo: no address for the operator alarms/);
    expect(problems).toContain('-c alarmTo=ops@shop.example');
    expect(() => synth({ alarmTo: '' })).toThrow(/alarmTo/);
    expect(problemsOf({ alarmTo: ' , ' })).toMatch(/alarmTo: no address/);
  });

  it('sends alarms to alarmTo, else to reportTo, each address checked', () => {
    expect(operations({ reportTo: 'Sam@Shop.example' }).alarmTo).toEqual(['sam@shop.example']);
    expect(
      operations({ reportTo: 'sam@shop.example', alarmTo: 'ops@shop.example, oncall@shop.example' })
        .alarmTo,
    ).toEqual(['ops@shop.example', 'oncall@shop.example']);
    expect(problemsOf({ alarmTo: 'ops@shop.example, nobody' })).toMatch(
      /alarmTo: "nobody" is not an email address/,
    );
  });
});

type Resource = { Properties: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type MetricRef = { namespace: string; name: string; dimensions: unknown };

/** The metrics an alarm reads: its own, or each MetricStat of its metric-math expression. */
function metricsOf(alarm: Resource): MetricRef[] {
  const p = alarm.Properties as {
    Namespace?: string;
    MetricName?: string;
    Dimensions?: unknown;
    Metrics?: Array<{
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown } };
    }>;
  };
  if (p.MetricName !== undefined) {
    return [{ namespace: p.Namespace ?? '', name: p.MetricName, dimensions: p.Dimensions }];
  }
  return (p.Metrics ?? []).flatMap((m) =>
    m.MetricStat === undefined
      ? []
      : [
          {
            namespace: m.MetricStat.Metric.Namespace,
            name: m.MetricStat.Metric.MetricName,
            dimensions: m.MetricStat.Metric.Dimensions,
          },
        ],
  );
}

let base: ReturnType<typeof synth>;
let custom: ReturnType<typeof synth>;
beforeAll(() => {
  base = synth();
  custom = synth({
    httpConcurrency: 'off',
    waiterConcurrency: '2',
    wakeupWindowMinutes: '15',
    alarmTo: 'ops@shop.example,oncall@shop.example',
  });
});

describe('CartRecoveryStack bounded bursts', () => {
  const reserved = (d: ReturnType<typeof synth>, key: FunctionKey) =>
    (d.fn(key).Properties as Json).ReservedConcurrentExecutions;

  it('caps the public http function and the waiter, and no other function', () => {
    expect(reserved(base, 'http')).toBe(20);
    expect(reserved(base, 'waiter')).toBe(5);
    for (const key of KEYS.filter((k) => k !== 'http' && k !== 'waiter')) {
      expect(reserved(base, key), key).toBeUndefined();
    }
  });

  it('reserves nothing for a function whose cap is off, and the given count otherwise', () => {
    expect(reserved(custom, 'http')).toBeUndefined();
    expect(reserved(custom, 'waiter')).toBe(2);
  });

  it('passes the wake-up window only when set, to the functions that arm wake-ups', () => {
    for (const key of KEYS) {
      expect(base.env(key).CR_WAKEUP_WINDOW_MINUTES, key).toBeUndefined();
      const expected = ['http', 'waiter', 'rearm'].includes(key) ? '15' : undefined;
      expect(custom.env(key).CR_WAKEUP_WINDOW_MINUTES, key).toBe(expected);
    }
  });
});

describe('CartRecoveryStack safe to operate', () => {
  it('protects the three tables from deletion and keeps them when the stack goes', () => {
    const tables = Object.values(base.template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(3);
    for (const table of tables as Resource[]) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });

  it("keeps the schedule group, and with it every cart's pending wake-up, on cdk destroy", () => {
    const groups = Object.values(base.template.findResources('AWS::Scheduler::ScheduleGroup'));
    expect(groups).toHaveLength(1);
    expect((groups[0] as Resource).DeletionPolicy).toBe('Retain');
    expect((groups[0] as Resource).UpdateReplacePolicy).toBe('Retain');
  });

  it('mails every alarm to the alarm addresses through one topic, quiet while nothing happens', () => {
    const { template } = base;
    const alerts = Object.entries(template.findResources('AWS::SNS::Topic')).find(([, topic]) =>
      String(topic.Properties.DisplayName).includes('needs a look'),
    )?.[0];
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) {
      const name = String(alarm.Properties.AlarmName);
      expect(alarm.Properties.AlarmActions, name).toEqual([{ Ref: alerts }]);
      expect(alarm.Properties.TreatMissingData, name).toBe('notBreaching');
      expect(name).toMatch(/^cr-/);
      expect(String(alarm.Properties.AlarmDescription), name).toContain('docs/deploy-aws.md');
    }
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 1);
    custom.template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 2);
    custom.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@shop.example',
    });
  });

  it('watches function errors and throttles, table throttling, Scheduler and the dead letters', () => {
    const { template, stack } = base;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const watched = alarms.flatMap(metricsOf);
    expect(watched).toHaveLength(ALARM_METRICS);
    const has = (namespace: string, name: string, dimensions: unknown) =>
      expect(watched, `${namespace} ${name} ${JSON.stringify(dimensions)}`).toContainEqual({
        namespace,
        name,
        dimensions,
      });
    const ref = (construct: { node: { defaultChild?: unknown } }) => ({
      Ref: stack.getLogicalId(construct.node.defaultChild as never),
    });

    for (const key of ['http', 'waiter'] as const) {
      const dims = [{ Name: 'FunctionName', Value: ref(stack.functions[key]) }];
      has('AWS/Lambda', 'Errors', dims);
      has('AWS/Lambda', 'Throttles', dims);
    }
    for (const table of [stack.tables.state, stack.tables.audit]) {
      has('AWS/DynamoDB', 'WriteThrottleEvents', [{ Name: 'TableName', Value: ref(table) }]);
    }
    has('AWS/Scheduler', 'TargetErrorCount', [{ Name: 'ScheduleGroup', Value: 'cr-wakeups' }]);
    const queueId = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    const queue = [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }];
    has('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue);
    has('AWS/SQS', 'ApproximateAgeOfOldestMessage', queue);
  });

  it('alarms on a dead letter left 3 days, long before SQS deletes it at 14', () => {
    const queue = Object.values(base.template.findResources('AWS::SQS::Queue'))[0] as Resource;
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    base.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 3 * 86_400,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('reads the metric-math alarms as sums with missing data as zero', () => {
    const alarms = Object.values(
      base.template.findResources('AWS::CloudWatch::Alarm'),
    ) as Resource[];
    const expressions = alarms.flatMap((alarm) =>
      ((alarm.Properties.Metrics as Array<{ Expression?: string }> | undefined) ?? []).flatMap(
        (m) => (m.Expression === undefined ? [] : [m.Expression]),
      ),
    );
    expect(expressions).toHaveLength(2);
    for (const expression of expressions)
      expect(expression).toMatch(/^FILL\(\w+, 0\)( \+ FILL\(\w+, 0\))+$/);
  });
});

describe('the cost estimate describes the stack it deploys', () => {
  it('prices exactly the secrets and alarm metrics the default stack synthesizes', () => {
    const { template } = base;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(DEFAULT_STACK).toEqual({
      secrets: Object.keys(template.findResources('AWS::SecretsManager::Secret')).length,
      alarmMetrics: alarms.flatMap(metricsOf).length,
    });
  });

  it('keeps the secrets and alarms of the defaults under $1.50 a month, free tier or not', () => {
    const none = {
      lambdaInvocations: 0,
      lambdaGbSeconds: 0,
      lambdaInitGbSeconds: 0,
      dynamoWrites: 0,
      dynamoReads: 0,
      storageGb: 0,
      schedulerInvocations: 0,
      emailsSent: 0,
      logGb: 0,
      recoveredOrders: 0,
    };
    const fixed = costForMonth(none, AWS_PRICES_US_EAST_1, { freeTier: false });
    expect(fixed.fixedLines.map((l) => [l.item, l.cost])).toEqual([
      ['secrets', '0.4000'],
      ['alarm metrics', '0.9000'],
      ['point-in-time recovery', '0.0000'],
    ]);
    expect(fixed.fixedTotalMicros).toBeLessThanOrEqual(1_500_000);
  });
});
