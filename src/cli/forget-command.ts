/**
 * `cart-recovery forget EMAIL --by NAME`: a shopper's erasure request, locally. Their carts,
 * purchase records and audit rows go, and so do the outbox copies of mail to them; the address
 * then goes on the never-send list (the record of the request, so no later cart mails them).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../app/config.ts';
import { normaliseEmail } from '../domain/email.ts';
import { requireFlag, UsageError } from './args.ts';
import { openLocalRuntime } from './local-runtime.ts';
import type { CommandRunner } from './main.ts';

/** The outbox's .eml files that name the address (header or body), deleted; how many went. */
function forgetOutbox(dir: string, email: string): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.eml'));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (!readFileSync(path, 'utf8').toLowerCase().includes(email)) continue;
    rmSync(path, { force: true });
    removed += 1;
  }
  return removed;
}

export const runForget: CommandRunner = async (args, { log, env }) => {
  const target = args.positionals[0];
  if (target === undefined) throw new UsageError('forget needs an EMAIL');
  const by = requireFlag(args, 'by', 'sam');
  const email = normaliseEmail(target);
  if (!email.ok) throw new UsageError(`"${target}" ${email.problem}`);
  const config = parseConfig(env);
  const runtime = openLocalRuntime(config, { lock: 'forget' });
  try {
    const report = runtime.store.forgetAddress(email.email);
    const unsubscribed = await runtime.stops.unsubscribe(email.email, by);
    // Deleted rows stay readable in the file's free pages until it is rewritten.
    runtime.db.exec('VACUUM');
    const mails = forgetOutbox(join(config.dataDir, 'outbox'), email.email);
    log(
      `${email.email} forgotten by ${by}: ${report.carts.length} cart(s), ${report.auditRows} audit row(s), ${report.purchases} purchase record(s), ${mails} outbox file(s)`,
    );
    log(
      unsubscribed.kind === 'unsubscribed'
        ? '  now on the never-send list, the record of the request'
        : '  already on the never-send list, kept as the record of the request',
    );
    log(
      `  past sheets in ${join(config.dataDir, 'exports')} are unchanged: export those days again`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
};
