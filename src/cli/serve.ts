/** `cart-recovery serve` (= `npm start`): the HTTP app and the timer loop in one process. */

import { createPinoLog } from '../adapters/pino/pino-log.ts';
import type { Config } from '../app/config.ts';
import { sendMonthlySummary } from '../app/report.ts';
import { createScheduledJobs } from '../app/scheduled-jobs.ts';
import { AUDIT_RETAIN_MS } from '../domain/retention.ts';
import { createNodeServer, listen } from '../http/node-server.ts';
import { withoutAddresses } from '../ports/log.ts';
import { openLocalRuntime } from './local-runtime.ts';

export async function runServe(config: Config, log: (line: string) => void): Promise<number> {
  // [logs, issue 14] JSON lines on stdout at CR_LOG_LEVEL, beside the banner below.
  const events = createPinoLog({ level: config.logLevel });
  // Handlers first: a supervisor that sends SIGTERM the moment it reads "listening" must get a
  // clean stop, never the default kill.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: finishing wake-ups in flight and closing the database`);
      events.info('service.stopping', { signal });
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const runtime = openLocalRuntime(config, { lock: 'serve', log: events });
  const server = createNodeServer(runtime.app, runtime.handleEvent);
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    // Nothing was served: leave the database as a clean stop would.
    await runtime.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  runtime.loop.start();
  const jobs = createScheduledJobs({
    clock: runtime.clock,
    zone: config.policy.storeTimeZone,
    exportAt: config.exportAt,
    runExport: (day) => runtime.exporter.exportDay(day),
    runMonthly: (month) =>
      sendMonthlySummary(runtime.reports, runtime.mailer, month, {
        from: config.from,
        to: config.reportTo,
        publicUrl: config.publicUrl,
        storeName: config.storeName,
      }),
    runRetention: async (now) => runtime.store.deleteAuditBefore(now - AUDIT_RETAIN_MS),
    onError: (job, error) => {
      console.error(`[${job}] failed:`, error);
      const message = error instanceof Error ? error.message : String(error);
      events.error('job.failed', { job, error: withoutAddresses(message).slice(0, 300) });
    },
  });
  jobs.start();

  // No secrets: the mail kind, never the SMTP URL (it holds the password).
  events.info('service.started', {
    port,
    host: config.host,
    dataDir: config.dataDir,
    mail: config.mail.kind,
    metrics: config.metricsToken !== undefined,
  });
  log(`cart-recovery listening on http://${config.host}:${port}`);
  log(`  data       ${config.dataDir} (SQLite, outbox, exports)`);
  log(
    `  mail       ${config.mail.kind === 'outbox' ? `outbox: ${config.dataDir}/outbox/*.eml` : config.mail.kind}`,
  );
  log(`  webhook    POST ${config.publicUrl}/events  (X-CR-Signature)`);
  log(`  owner      ${config.publicUrl}/owner  (Bearer token)`);
  log(
    `  sheet      daily at ${config.exportAt} ${config.policy.storeTimeZone} into ${config.dataDir}/exports${config.reportTo.length > 0 ? `; monthly summary to ${config.reportTo.join(', ')}` : ''}`,
  );
  log(`  secrets    ${runtime.secrets.path} (cart-recovery secrets: how to rotate them)`);
  for (const warning of runtime.warnings) log(`  warning    ${warning}`);
  // Once, at start: settings that work but would surprise (see publicUrlRule in config.ts).
  for (const warning of config.warnings)
    process.stderr.write(`cart-recovery: warning: ${warning}\n`);
  if (runtime.secrets.generated) {
    log('');
    log(`First run: secrets generated in ${runtime.secrets.path} (shown once; keep them safe)`);
    if (config.webhookSecret === undefined) log(`  CR_WEBHOOK_SECRET  ${runtime.webhookSecret}`);
    if (config.owners === undefined) log(`  owner token        ${runtime.owners[0]?.token ?? ''}`);
  }

  await stopRequested;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets would hold close() open; no request is lost by closing idle ones.
    server.closeIdleConnections();
  });
  await jobs.stop();
  await runtime.close();
  events.info('service.stopped', {});
  log('stopped cleanly');
  return 0;
}
