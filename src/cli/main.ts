/**
 * The `cart-recovery` command. Every command reads the same CR_* variables as `serve`.
 */
import { ConfigError, parseConfig } from '../app/config.ts';
import { parseArgs, requireFlag, UsageError } from './args.ts';
import { runServe } from './serve.ts';
import { runAudit, runStop } from './stop-commands.ts';

const USAGE = `Usage: cart-recovery <command> [options]

  serve                                 run the webhook, owner pages and the waiter (npm start)
  demo                                  play a store's day on a simulated clock
  export --day YYYY-MM-DD               write the day's sheet (CSV and XLSX)
  summary --month YYYY-MM [--json]      the monthly summary with cost
  cost --carts N [--json]               estimate the AWS cost for N carts a month
  suppress CART --by NAME               stop reminders for one cart
  unsubscribe EMAIL --by NAME           never email this address again
  write-off CART --reason TEXT --by NAME
  audit CART [--json]                   the cart's story: every stop and send
  rearm [--json]                        re-create every open cart's wake-up (after a restore)

Configuration is read from CR_* environment variables (see README).`;

export type CommandRunner = (
  args: ReturnType<typeof parseArgs>,
  io: { log: (line: string) => void; env: NodeJS.ProcessEnv },
) => Promise<number>;

/** Commands added by other modules register here (demo, export, summary, cost). */
export const extraCommands = new Map<string, () => Promise<CommandRunner>>([
  ['demo', async () => (await import('./demo.ts')).runDemo],
  ['export', async () => (await import('./export-command.ts')).runExport],
  ['summary', async () => (await import('./summary-command.ts')).runSummary],
  ['cost', async () => (await import('./cost-command.ts')).runCost],
  ['rearm', async () => (await import('./rearm-command.ts')).runRearm],
]);

export async function main(argv: readonly string[], env = process.env): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      log(USAGE);
      return command === undefined ? 2 : 0;
    }
    const args = parseArgs(rest, ['json']);
    switch (command) {
      case 'serve':
        return await runServe(parseConfig(env), log);
      case 'suppress':
      case 'unsubscribe':
      case 'write-off':
        return await runStop(command, args, parseConfig(env), log);
      case 'audit':
        return await runAudit(args, parseConfig(env), log);
      default: {
        const load = extraCommands.get(command);
        if (load === undefined) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
        return await (await load())(args, { log, env });
      }
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`cart-recovery: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

export { requireFlag };
