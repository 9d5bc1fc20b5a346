/**
 * Synthesizes the stack for the infra tests, with the real esbuild bundling as `cdk synth` does,
 * and the lookups they share. An alarm address is given unless the test says otherwise
 * (`alarmTo: ''`): the stack refuses to synthesize without one.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { settingsFromContext } from './settings.ts';
import { CartRecoveryStack, type FunctionKey } from './stack.ts';

export type Json = Record<string, unknown>;
export type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

export const TEST_ALARM_TO = 'ops@shop.example';
export const KEYS: FunctionKey[] = [
  'http',
  'waiter',
  'nightlyExport',
  'monthlySummary',
  'sesFeedback',
  'rearm',
];
export const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement) =>
  Array.isArray(s.Resource) ? s.Resource : [s.Resource];

export function synth(context: Record<string, string> = {}) {
  const app = new App({ context: { alarmTo: TEST_ALARM_TO, ...context } });
  const stack = new CartRecoveryStack(app, 'CartRecoveryStack', {
    settings: settingsFromContext((key) => app.node.tryGetContext(key)),
  });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const logicalId = (key: FunctionKey) =>
    stack.getLogicalId(stack.functions[key].node.defaultChild as CfnFunction);
  const fn = (key: FunctionKey) => template.toJSON().Resources[logicalId(key)] as Json;
  const env = (key: FunctionKey) =>
    ((fn(key).Properties as Json).Environment as { Variables: Record<string, unknown> }).Variables;
  /** Every statement of the policies attached to a function's role (or to the given role). */
  const statementsOf = (roleLogicalId: string): Statement[] =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        (policy.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleLogicalId),
      )
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  const roleOf = (key: FunctionKey) =>
    ((fn(key).Properties as Json).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const assetDir = (key: FunctionKey) => {
    const code = (fn(key).Properties as Json).Code as { S3Key: string };
    return path.join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  };
  const stackJson = JSON.stringify(template.toJSON());
  return { stack, template, fn, env, statementsOf, roleOf, assetDir, stackJson };
}
