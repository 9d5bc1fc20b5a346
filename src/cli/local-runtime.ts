/**
 * The composition root for the embedded default: SQLite in the data dir, the local timer loop,
 * the outbox or SMTP mailer, and the one Hono app. `serve`, `demo` and the CLI commands share it.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOutboxMailer } from '../adapters/outbox/outbox-mailer.ts';
import { createPromMetrics } from '../adapters/prometheus/prom-metrics.ts';
import { createCsvSheet } from '../adapters/sheets/csv-sheet.ts';
import { createXlsxSheet } from '../adapters/sheets/xlsx-sheet.ts';
import { createSmtpMailer } from '../adapters/smtp/smtp-mailer.ts';
import { createSqliteAddressBudget } from '../adapters/sqlite/sqlite-address-budget.ts';
import { createSqliteHealthTallies } from '../adapters/sqlite/sqlite-audit.ts';
import { createSqliteCartStore } from '../adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteDueIndex } from '../adapters/sqlite/sqlite-due-index.ts';
import { createSqliteOwnerSignOuts } from '../adapters/sqlite/sqlite-owner-sign-outs.ts';
import { createSqliteUnsubscribeList } from '../adapters/sqlite/sqlite-unsubscribe-list.ts';
import { loadTemplates } from '../adapters/templates/templates-loader.ts';
import { createTimerLoop, type TimerLoop } from '../adapters/timer/timer-loop.ts';
import { createTimerWakeups } from '../adapters/timer/timer-wakeups.ts';
import type { Config, OwnerToken } from '../app/config.ts';
import { createExport } from '../app/export.ts';
import { createServices } from '../app/services.ts';
import { createLinkSigner } from '../domain/link-tokens.ts';
import { composeApp } from '../http/compose-app.ts';
import { createEventHandler } from '../http/events-route.ts';
import type { Clock } from '../ports/clock.ts';
import { systemClock } from '../ports/clock.ts';
import { type Log, silentLog } from '../ports/log.ts';
import type { Mailer } from '../ports/mailer.ts';
import { DATABASE_FILE, openDataDir } from './data-dir.ts';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface LocalRuntimeOptions {
  readonly clock?: Clock;
  /** Replaces the configured mailer (tests). */
  readonly mailer?: Mailer;
  /** The command that must own the data dir alone (serve, and the commands that write). */
  readonly lock?: string;
  /** Where the service's log lines go: `serve` passes pino; one-shot commands and the demo none. */
  readonly log?: Log;
}

export type LocalRuntime = Awaited<ReturnType<typeof openLocalRuntime>>;

function mailerFor(config: Config): Mailer & { startWriters?: () => void } {
  switch (config.mail.kind) {
    case 'outbox':
      return createOutboxMailer({ dir: join(config.dataDir, 'outbox') });
    case 'smtp':
      return createSmtpMailer({ url: config.mail.url });
    case 'ses':
      throw new Error('CR_MAIL=ses is for the AWS deployment; locally use outbox or smtp://...');
  }
}

export function openLocalRuntime(config: Config, options: LocalRuntimeOptions = {}) {
  const clock = options.clock ?? systemClock;
  const opened = openDataDir({
    dataDir: config.dataDir,
    lock: options.lock,
    freshStart: config.freshStart,
    sqliteSync: config.sqliteSync,
  });
  const { db, secrets: loaded } = opened;
  const webhookSecret = config.webhookSecret ?? loaded.secrets.webhookSecret;
  const owners: readonly OwnerToken[] = config.owners ?? [
    { name: 'owner', token: loaded.secrets.ownerToken },
  ];
  const store = createSqliteCartStore(db);
  const unsubscribes = createSqliteUnsubscribeList(db);
  const signOuts = createSqliteOwnerSignOuts(db);
  const configured = options.mailer === undefined ? mailerFor(config) : undefined;
  const mailer: Mailer = configured ?? (options.mailer as Mailer);
  const templates = loadTemplates(config.templatesDir ?? join(PACKAGE_ROOT, 'templates'));
  // CR_LINK_SECRET signs; every link secret the data dir has known still verifies.
  const stored = loaded.secrets;
  const links = createLinkSigner(
    config.linkSecret ?? stored.linkSecret,
    [stored.linkSecret, ...(stored.previousLinkSecrets ?? [])].filter(
      (secret) => secret !== config.linkSecret,
    ),
  );
  // Browser-lane cart ids stay keyed by the first link secret, so a rotation cannot split a
  // shopper's cart in two (the old row would keep reminding beside a new one).
  const cartIdSecret = stored.previousLinkSecrets?.at(-1) ?? stored.linkSecret;
  // [logs+metrics, issue 14] The log, and the counters GET /metrics shows (gauges read on scrape).
  const log = options.log ?? silentLog;
  const metrics = createPromMetrics({
    dueCarts: () => store.countDue(clock.now()),
    sqlitePath: join(config.dataDir, DATABASE_FILE),
  });
  const observers = { log, metrics };

  // Locally the row's indexed due time *is* the timer: arming is the write itself.
  const wakeups = createTimerWakeups();

  // One process owns the database (serve holds the data dir's lock, data-dir-lock.ts), so a
  // claim from before this start was left by a process that is gone: recovered at once.
  // A start time and not a list of the claims found at start, because it needs no bookkeeping, and
  // wake's own in-flight set covers a wall clock stepped back below it.
  const services = createServices(
    {
      store,
      unsubscribes,
      wakeups,
      // Itself, not a factory: the outbox answers wasSent, so a claim left at a kill is settled.
      mailer,
      tallies: createSqliteHealthTallies(db),
      addressBudget: createSqliteAddressBudget(db),
      clock,
      links,
      templates: () => templates,
      ...observers,
    },
    config,
    { soleSenderSince: clock.now() },
  );
  const { ingest, stops, wake, senderHealth, reports } = services;
  const timerLoop = createTimerLoop({
    store: createSqliteDueIndex(db),
    clock,
    // Before the first claim: leases and step claims left by a killed process fall due now.
    // Retried with the loop's back-off when it fails (a full disk), never fatal at start-up.
    prepare: () => {
      store.recoverAfterRestart(clock.now());
      // Only a started loop (serve) sends on its own: its outbox threads start now, not at the
      // first due cart. One-shot commands and drain() never start them unless they send.
      configured?.startWriters?.();
    },
    onWake: async (cartId) => {
      await wake(cartId);
    },
  });
  const loop: TimerLoop = timerLoop;
  wakeups.attach(loop);

  const exportsDir = join(config.dataDir, 'exports');
  const exporter = createExport({
    store,
    sheets: [createCsvSheet({ dir: exportsDir }), createXlsxSheet({ dir: exportsDir })],
    policy: config.policy,
    publicUrl: config.publicUrl,
  });

  const app = composeApp({
    services,
    owners,
    signOuts,
    secrets: { webhook: webhookSecret, cart: cartIdSecret, platforms: config.platformSecrets },
    freshTemplates: () => loadTemplates(config.templatesDir ?? join(PACKAGE_ROOT, 'templates')),
    localInstall: true,
  });

  const handleEvent = createEventHandler({
    ingest,
    webhookSecret,
    clock,
    storeHosts: config.storeHosts,
    ...observers,
  });

  return {
    config,
    clock,
    handleEvent,
    db,
    store,
    unsubscribes,
    signOuts,
    mailer,
    links,
    ingest,
    stops,
    wake,
    senderHealth,
    loop,
    reports,
    rearm: services.rearm,
    exporter,
    app,
    webhookSecret,
    owners,
    secrets: loaded,
    /** Start-up notices for the operator (low disk space, crash leftovers removed). */
    warnings: opened.warnings,
    log,
    metrics,
    async close() {
      await loop.stop();
      db.close();
      opened.lock?.release();
    },
  };
}
