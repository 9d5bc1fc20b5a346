/**
 * The commands of `cart-recovery`, one entry each: its options and positionals are all the parser
 * accepts, and its help and usage are made from the same entry (main.ts dispatches them).
 * Apart from main.ts so the table and the dispatcher each stay one job.
 */
import { parseConfig } from '../app/config.ts';
import { type Command, type CommandRunner, UsageError } from './args.ts';

/**
 * Commands whose code lives on other branches register here (`backup`, `restore`, `secrets`,
 * `rearm`): their COMMANDS entry already fixes the options, and runs what is registered.
 */
export const extraCommands = new Map<string, () => Promise<CommandRunner>>([
  ['backup', async () => (await import('./backup-command.ts')).runBackup],
  ['restore', async () => (await import('./backup-command.ts')).runRestore],
  ['secrets', async () => (await import('./secrets-command.ts')).runSecrets],
  ['rearm', async () => (await import('./rearm-command.ts')).runRearm],
]);

function registered(name: string): CommandRunner {
  return async (args, io) => {
    const load = extraCommands.get(name);
    if (load === undefined) throw new UsageError(`${name} is not available in this build`);
    return (await load())(args, io);
  };
}

const json = { type: 'boolean', help: 'print JSON instead of text' } as const;
const by = {
  type: 'string',
  value: 'NAME',
  example: 'sam',
  required: true,
  help: 'who did it (the audit actor)',
} as const;
const cart = { name: 'CART', help: "the cart's id (or any of its aliases)" } as const;

export const COMMANDS = {
  serve: {
    summary: 'run the webhook, owner pages and the waiter (npm start)',
    options: {},
    positionals: [],
    run: async (_args, { log, env }) =>
      (await import('./serve.ts')).runServe(parseConfig(env), log),
  },
  demo: {
    summary: "play a store's day on a simulated clock, in its own data dir",
    options: {
      'data-dir': {
        type: 'string',
        value: 'DIR',
        help: 'where the demo plays (default ./demo-data, never the data dir serve uses)',
      },
      carts: { type: 'string', value: 'N', help: 'how many carts (20-5000, default 300)' },
      seed: { type: 'string', value: 'N', help: 'the random seed (default 42)' },
      start: {
        type: 'string',
        value: 'YYYY-MM-DD',
        help: 'the simulated first day (default ten days ago)',
      },
    },
    positionals: [],
    run: async (args, io) => (await import('./demo.ts')).runDemo(args, io),
  },
  export: {
    summary: "write the day's sheet (CSV and XLSX in the data dir's exports)",
    options: {
      day: {
        type: 'string',
        value: 'YYYY-MM-DD',
        example: '2026-11-23',
        required: true,
        help: 'the day, in the store zone',
      },
    },
    positionals: [],
    run: async (args, io) => (await import('./export-command.ts')).runExport(args, io),
  },
  summary: {
    summary: 'the monthly summary with its AWS cost',
    options: {
      month: {
        type: 'string',
        value: 'YYYY-MM',
        example: '2026-11',
        required: true,
        help: 'the month, in the store zone',
      },
      json,
    },
    positionals: [],
    run: async (args, io) => (await import('./summary-command.ts')).runSummary(args, io),
  },
  cost: {
    summary: 'estimate the AWS cost for N carts a month',
    options: {
      carts: {
        type: 'string',
        value: 'N',
        example: '10000',
        required: true,
        help: 'carts a month',
      },
      json,
    },
    positionals: [],
    run: async (args, io) => (await import('./cost-command.ts')).runCost(args, io),
  },
  suppress: {
    summary: 'stop reminders for one cart',
    options: { by },
    positionals: [cart],
    run: stopCommand('suppress'),
  },
  unsubscribe: {
    summary: 'never email this address again',
    options: { by },
    positionals: [{ name: 'EMAIL', help: 'the address' }],
    run: stopCommand('unsubscribe'),
  },
  'write-off': {
    summary: 'stop one cart and keep it out of the recovery rate',
    options: {
      reason: {
        type: 'string',
        value: 'TEXT',
        example: '"test order"',
        required: true,
        help: 'why, kept in the audit',
      },
      by,
    },
    positionals: [cart],
    run: stopCommand('write-off'),
  },
  audit: {
    summary: "the cart's story: every stop and send, and its next wake-up",
    options: { json },
    positionals: [cart],
    run: async (args, { log, env }) =>
      (await import('./stop-commands.ts')).runAudit(args, parseConfig(env), log),
  },
  forget: {
    summary: "erase a shopper's carts, audit rows and outbox mail; keep them unsubscribed",
    options: { by },
    positionals: [{ name: 'EMAIL', help: 'the address' }],
    run: async (args, io) => (await import('./forget-command.ts')).runForget(args, io),
  },
  'send-test-event': {
    summary: 'post a signed test event, stamped now, to the running service',
    options: {
      checkout: { type: 'boolean', help: 'send the checkout for the last test cart instead' },
    },
    positionals: [],
    run: async (args, io) => (await import('./send-test-event.ts')).runSendTestEvent(args, io),
  },
  backup: {
    summary: 'copy the database and the secrets into DEST while serve runs',
    options: {},
    positionals: [{ name: 'DEST', help: 'an empty or new folder' }],
    run: registered('backup'),
  },
  restore: {
    summary: 'put a backup back into the data dir',
    options: { force: { type: 'boolean', help: 'replace a data dir that is not empty' } },
    positionals: [{ name: 'SRC', help: 'a folder written by backup' }],
    run: registered('restore'),
  },
  secrets: {
    summary: 'where the secrets live and how to rotate each',
    options: {
      rotate: {
        type: 'string',
        value: 'webhook|owner|link',
        help: 'write a new one (a rotated link secret still verifies links already sent)',
      },
      new: { type: 'boolean', help: 'write new secrets where there are none (a fresh start)' },
    },
    positionals: [],
    run: registered('secrets'),
  },
  rearm: {
    summary: "re-create every open cart's wake-up (after restoring a table)",
    options: { json },
    positionals: [],
    run: registered('rearm'),
  },
} satisfies Record<string, Command>;

function stopCommand(name: 'suppress' | 'unsubscribe' | 'write-off'): CommandRunner {
  return async (args, { log, env }) =>
    (await import('./stop-commands.ts')).runStop(name, args, parseConfig(env), log);
}
