/**
 * Driving the real Lambda handlers in process: a Function URL request event (payload format 2.0),
 * a signed POST /events, and an EventBridge Scheduler stand-in at the SDK boundary that keeps
 * Scheduler's rules (Create on a live name is a ConflictException, a fired one-time schedule
 * deletes itself) and can fire what is due in time order on a simulated clock.
 */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaEvent } from 'hono/aws-lambda';
import { signWebhook } from '../../src/domain/webhook-signature.ts';

export interface UrlRequest {
  readonly method?: string;
  readonly path: string;
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Send the body base64-encoded, as a Function URL does for binary content types. */
  readonly base64?: boolean;
}

/** A Lambda Function URL request: API Gateway payload format 2.0. */
export function functionUrlEvent(domain: string, req: UrlRequest, now: number): LambdaEvent {
  const method = req.method ?? 'GET';
  const body = req.body ?? null;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.path,
    rawQueryString: req.query ?? '',
    headers: { host: domain, 'user-agent': 'harness', ...req.headers },
    body: body !== null && req.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: body !== null && req.base64 === true,
    requestContext: {
      accountId: 'anonymous',
      apiId: domain.split('.')[0],
      domainName: domain,
      domainPrefix: domain.split('.')[0],
      http: {
        method,
        path: req.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'harness',
      },
      requestId: `req-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  } as unknown as LambdaEvent;
}

/** POST /events with the store's signature over the body at `now`. */
export function signedEventRequest(secret: string, event: unknown, now: number): UrlRequest {
  const body = JSON.stringify(event);
  return {
    method: 'POST',
    path: '/events',
    headers: {
      'content-type': 'application/json',
      'x-cr-signature': signWebhook(secret, body, Math.floor(now / 1000)),
    },
    body,
  };
}

/** `at(2026-11-23T13:00:00)` (UTC) -> epoch ms. */
const atTime = (expression: string) => Date.parse(`${expression.slice(3, -1)}Z`);

export interface ScheduledWakeup {
  readonly name: string;
  readonly at: number;
  readonly input: unknown;
}

/** Scheduler as the adapter sees it, with the due schedules handed out earliest first. */
export function schedulerStandIn() {
  const live = new Map<string, ScheduledWakeup>();
  const calls: Record<string, number> = {};
  const fail = (name: string, message: string) => Object.assign(new Error(message), { name });
  const count = (api: string) => {
    calls[api] = (calls[api] ?? 0) + 1;
  };
  const mock = mockClient(SchedulerClient);
  mock.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommandInput) => {
    count('CreateSchedule');
    const name = input.Name ?? '';
    if (live.has(name)) throw fail('ConflictException', 'schedule exists');
    const at = atTime(input.ScheduleExpression ?? '');
    live.set(name, { name, at, input: JSON.parse(input.Target?.Input ?? 'null') });
    return { ScheduleArn: `arn:schedule/${name}` };
  });
  mock.on(UpdateScheduleCommand).callsFake((input: { Name: string }) => {
    count('UpdateSchedule');
    if (!live.has(input.Name)) throw fail('ResourceNotFoundException', 'no schedule');
    return { ScheduleArn: `arn:schedule/${input.Name}` };
  });
  mock.on(DeleteScheduleCommand).callsFake((input: { Name: string }) => {
    count('DeleteSchedule');
    if (!live.delete(input.Name)) throw fail('ResourceNotFoundException', 'no schedule');
    return {};
  });
  return {
    mock,
    calls,
    /** The earliest live schedule's time, or Infinity. */
    nextAt(): number {
      let next = Number.POSITIVE_INFINITY;
      for (const s of live.values()) if (s.at < next) next = s.at;
      return next;
    },
    /** Takes the earliest schedule due by `now` (it deletes itself, as ActionAfterCompletion DELETE does). */
    takeDue(now: number): ScheduledWakeup | null {
      let first: ScheduledWakeup | null = null;
      for (const s of live.values())
        if (s.at <= now && (first === null || s.at < first.at)) first = s;
      if (first !== null) live.delete(first.name);
      return first;
    },
    get size() {
      return live.size;
    },
  };
}
