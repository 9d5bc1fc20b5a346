/** `cart-recovery serve` (= `npm start`): the HTTP app and the timer loop in one process. */

import type { Config } from '../app/config.ts';
import { sendMonthlySummary } from '../app/report.ts';
import { createScheduledJobs } from '../app/scheduled-jobs.ts';
import { AUDIT_RETAIN_MS } from '../domain/retention.ts';
import { createNodeServer, listen } from '../http/node-server.ts';
import { openLocalRuntime } from './local-runtime.ts';

export async function runServe(config: Config, log: (line: string) => void): Promise<number> {
  // Handlers first: a supervisor that sends SIGTERM the moment it reads "listening" must get a
  // clean stop, never the default kill.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: finishing wake-ups in flight and closing the database`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const runtime = openLocalRuntime(config, { lock: 'serve' });
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
    onError: (job, error) => console.error(`[${job}] failed:`, error),
  });
  jobs.start();

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
  log('stopped cleanly');
  return 0;
}
