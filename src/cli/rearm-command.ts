/**
 * `cart-recovery rearm`: re-creates the wake-up of every open cart (src/app/rearm.ts). Against AWS
 * (CR_TABLE_STATE and the schedule variables set, as the stack sets them for the rearm function,
 * credentials from the standard chain) it runs the same use case as that function, with the same
 * parts; locally the row's due time is the timer, so it only re-reads the SQLite due index and
 * changes nothing.
 */
import { parseConfig } from '../app/config.ts';
import type { RearmReport } from '../app/rearm.ts';
import { openLocalRuntime } from './local-runtime.ts';
import type { CommandRunner } from './main.ts';

const describe = (r: RearmReport, where: string) =>
  `${where}: ${r.open} open cart(s) read, ${r.armed} wake-up(s) armed (${r.ended} of them an ended cart's retention end), ${r.idle} with nothing due`;

export const runRearm: CommandRunner = async (args, { log, env }) => {
  if (env.CR_TABLE_STATE !== undefined && env.CR_TABLE_STATE.trim() !== '') {
    // Loaded only here: the local command never loads the AWS SDK.
    const { rearmRuntime } = await import('../lambda/rearm.ts');
    const report = await rearmRuntime(env)();
    log(describe(report, `AWS table ${env.CR_TABLE_STATE.trim()}`));
    if (args.flags.get('json') === true) log(JSON.stringify(report));
    return 0;
  }
  const runtime = openLocalRuntime(parseConfig(env));
  try {
    const report = await runtime.rearm();
    log(describe(report, `local data dir ${runtime.config.dataDir}`));
    log('Locally each row holds its own due time: nothing needed re-arming.');
    if (args.flags.get('json') === true) log(JSON.stringify(report));
    return 0;
  } finally {
    await runtime.close();
  }
};
