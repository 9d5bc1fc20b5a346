/**
 * The use cases of the service, built once from ports and configuration. Both composition roots
 * (src/cli/local-runtime.ts over SQLite, src/lambda/aws-runtime.ts over DynamoDB and Scheduler)
 * call this with their adapters, so a use case wired differently in one runtime cannot happen.
 */
import type { Templates } from '../domain/copy.ts';
import type { LinkSigner } from '../domain/link-tokens.ts';
import type { AddressBudget } from '../ports/address-budget.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { HealthTallies } from '../ports/health-tallies.ts';
import type { Log } from '../ports/log.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { createBrowserIntake } from './browser-intake.ts';
import type { Config } from './config.ts';
import { createIntake } from './intake.ts';
import { createRearm } from './rearm.ts';
import { createReminderComposer } from './reminder-composer.ts';
import { createReports } from './report.ts';
import { createSenderHealth, notifyOwners } from './sender-health.ts';
import { createStops } from './stops.ts';
import { createWake } from './wake.ts';

export interface ServicePorts {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  readonly wakeups: Wakeups;
  /**
   * The mailer, or a factory asked on the first send only (an HTTP container that never mails
   * never builds one). Only a mailer given as itself can offer wasSent, which claim recovery needs:
   * whether a lazily built one would is not known until it is built.
   */
  readonly mailer: Mailer | (() => Mailer);
  readonly tallies: HealthTallies;
  readonly addressBudget: AddressBudget;
  readonly clock: Clock;
  readonly links: LinkSigner;
  readonly templates: () => Templates;
  readonly log: Log;
  readonly metrics: Metrics;
}

export interface ServiceOptions {
  /**
   * Set when this process is the only sender (the local loop): claims older than this were left
   * by a process that is gone. Unset on AWS, where many waiters run at once.
   */
  readonly soleSenderSince?: number;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(ports: ServicePorts, config: Config, options: ServiceOptions = {}) {
  const { store, unsubscribes, wakeups, clock, log, metrics } = ports;
  const { policy } = config;
  const given = ports.mailer;
  // A factory: the mailer is built when the first message goes out, not when the use cases are.
  const mailer: Mailer =
    typeof given === 'function' ? { send: (email) => given().send(email) } : given;
  const compose = createReminderComposer({
    links: ports.links,
    templates: ports.templates,
    publicUrl: config.publicUrl,
    storeName: config.storeName,
    storeAddress: config.storeAddress,
    from: config.from,
  });
  const senderHealth = createSenderHealth({
    store,
    tallies: ports.tallies,
    clock,
    notify: notifyOwners({
      mailer: () => mailer,
      clock,
      reportTo: config.reportTo,
      from: config.from,
      storeName: config.storeName,
      publicUrl: config.publicUrl,
    }),
    log,
  });
  const wake = createWake({
    store,
    unsubscribes,
    wakeups,
    mailer,
    clock,
    policy,
    compose,
    senderPaused: (now, lane) => senderHealth.isPaused(now, lane),
    snippetBudget: { budget: ports.addressBudget, dailyCap: config.snippetDailyCap },
    log,
    metrics,
    ...(options.soleSenderSince === undefined ? {} : { soleSenderSince: options.soleSenderSince }),
  });
  return {
    config,
    clock,
    store,
    unsubscribes,
    links: ports.links,
    /** The email copy as loaded; the owner's template preview renders with it. */
    templates: ports.templates,
    log,
    metrics,
    compose,
    ingest: createIntake({ store, wakeups, policy, clock, log }),
    browserIngest: createBrowserIntake({ store, wakeups, policy, clock }),
    stops: createStops({ store, unsubscribes, wakeups, clock, policy, log }),
    senderHealth,
    wake,
    reports: createReports({ store, policy, clock }),
    rearm: createRearm({ store, wakeups }),
  };
}
