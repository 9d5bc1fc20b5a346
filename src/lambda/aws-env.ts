/**
 * What the AWS composition root reads from its environment beyond the CR_* store settings: table,
 * schedule and secret names (infra/stack.ts sets exactly these), the SDK clients, and the public
 * URL of the HTTP function.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// Types only: each client is loaded by the module of the one function part that uses it
// (aws-dynamodb.ts, aws-scheduler.ts, aws-ses.ts, secrets.ts), so a function's bundle holds only
// the SDK clients it calls.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { readSetting, type Setting } from '../app/config-setting.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { UsageCounter } from '../ports/usage-counter.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export class AwsEnvironmentError extends Error {
  override readonly name = 'AwsEnvironmentError';
}

/** A variable the function cannot run without; the message names it (a deploy mistake). */
export function need(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (value === undefined || value === '') {
    throw new AwsEnvironmentError(`${name} is not set; the CDK stack sets it for this function`);
  }
  return value;
}

export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A row of the configuration table (app/config-table-aws.ts) read and checked as `serve` reads
 * its own: a bad value is a deploy mistake, said in one line naming the variable.
 */
export function setting<T>(env: Env, row: Setting<T>): T | undefined {
  const problems: string[] = [];
  const value = readSetting(env, row, problems);
  if (problems.length > 0) throw new AwsEnvironmentError(problems.join('; '));
  return value;
}

/**
 * Clients a caller may supply (tests point them at DynamoDB Local or mocks). Defaults carry no
 * endpoint: region, credentials and AWS_ENDPOINT_URL_<SERVICE> come from the standard chain.
 */
export interface AwsClients {
  readonly dynamodb?: DynamoDBClient;
  readonly scheduler?: SchedulerClient;
  readonly ses?: SESv2Client;
  readonly secretsManager?: SecretsManagerClient;
}

/** What every function part is built with: its environment, clock, clients and meter. */
export interface PartOptions {
  readonly clients?: AwsClients;
  readonly clock?: Clock;
  /** Counts DynamoDB capacity and Scheduler/SES calls (the DynamoDB bench). */
  readonly usage?: UsageCounter;
}

/** `usage` as an adapter option, or nothing. */
export const withUsage = (usage: UsageCounter | undefined) =>
  usage === undefined ? {} : { usage };

export const clockOf = (options: PartOptions): Clock => options.clock ?? systemClock;

/** A value made on first use and kept (a client, an adapter). */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * The base of links: CR_PUBLIC_URL when set (a custom domain), else the Function URL the request
 * came in on. The HTTP function cannot be given its own URL (a CloudFormation cycle).
 */
export function publicUrlFor(
  env: Env,
  event: { readonly requestContext?: { readonly domainName?: string } },
): string | undefined {
  const configured = optional(env, 'CR_PUBLIC_URL');
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  const domain = event.requestContext?.domainName?.trim();
  if (domain === undefined || domain === '' || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(domain)) {
    return undefined;
  }
  return `https://${domain.toLowerCase()}`;
}

/** Bundles carry templates at CR_TEMPLATES_DIR; from a checkout they sit at the project root. */
export function templatesDir(env: Env): string {
  const configured = optional(env, 'CR_TEMPLATES_DIR');
  if (configured !== undefined) return configured;
  return join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'templates');
}

/**
 * A promise made once and shared, unless it fails: a failed cold start (a throttled secret read)
 * must not break every later invocation of the container.
 */
export function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const attempt = make();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
