/**
 * EventBridge Scheduler as its SDK sees it, for the Wakeups contract: one-time `at(...)` schedules
 * by name in a group, ConflictException on creating a name that exists, ResourceNotFoundException
 * on deleting one that does not, a ValidationException for an `at` in the past, schedules that
 * fire once at their second and then delete themselves (ActionAfterCompletion: DELETE), and
 * ThrottlingException when told to. Built on aws-sdk-client-mock at the SDK boundary.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';

const meta = { $metadata: {} };
/** The options an SDK exception of Scheduler's takes. */
const said = (message: string) => ({ message, Message: message, ...meta });

interface Schedule {
  readonly at: number;
  readonly cartId: string;
}

export interface SchedulerStandIn {
  readonly client: SchedulerClient;
  /** Fires, in time order, every schedule due by `to`, deleting each; returns their cart ids. */
  fireUntil(to: number): string[];
  /** The next `calls` calls fail as a throttled Scheduler does. */
  throttle(calls?: number): void;
  reset(): void;
}

function atTime(expression: string | undefined): number {
  const match = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(expression ?? '');
  if (!match) throw new ValidationException(said(`bad expression ${expression}`));
  return Date.parse(`${match[1]}Z`);
}

export function createSchedulerStandIn(now: () => number): SchedulerStandIn {
  const mock = mockClient(SchedulerClient);
  const schedules = new Map<string, Schedule>();
  let throttled = 0;
  const key = (group: string | undefined, name: string | undefined) => `${group}/${name}`;
  const maybeThrottle = () => {
    if (throttled === 0) return;
    throttled--;
    throw new ThrottlingException(said('Rate exceeded'));
  };
  function install(): void {
    mock.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommand['input']) => {
      maybeThrottle();
      const at = atTime(input.ScheduleExpression);
      if (at <= now()) throw new ValidationException(said('at is in the past'));
      const name = key(input.GroupName, input.Name);
      if (schedules.has(name)) throw new ConflictException(said('exists'));
      const { cartId } = JSON.parse(input.Target?.Input ?? '{}') as { cartId: string };
      schedules.set(name, { at, cartId });
      return { ScheduleArn: `arn:aws:scheduler:::schedule/${name}`, ...meta };
    });
    mock.on(DeleteScheduleCommand).callsFake((input: DeleteScheduleCommand['input']) => {
      maybeThrottle();
      if (!schedules.delete(key(input.GroupName, input.Name))) {
        throw new ResourceNotFoundException(said('no such schedule'));
      }
      return meta;
    });
  }
  install();
  return {
    client: new SchedulerClient({ region: 'eu-west-1' }),
    fireUntil(to) {
      const due = [...schedules].filter(([, s]) => s.at <= to).sort((a, b) => a[1].at - b[1].at);
      for (const [name] of due) schedules.delete(name);
      return due.map(([, s]) => s.cartId);
    },
    throttle(calls = 1) {
      throttled = calls;
    },
    reset() {
      mock.reset();
      schedules.clear();
      throttled = 0;
      install();
    },
  };
}
