/**
 * `npm run bench [name...]`: runs the benchmarks and rewrites BENCHMARKS.md with the machine, the
 * date and each figure beside the baseline it is compared against. Results of benches not run
 * this time are kept from bench/results/*.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './lib.ts';

type Bench = () => Promise<string>;

const BENCHES: Record<string, Bench> = {
  intake: async () => {
    const { benchIntake, intakeMarkdown } = await import('./intake.ts');
    return intakeMarkdown(await benchIntake());
  },
  waiter: async () => {
    const m = await import('./waiter.ts');
    return m.waiterMarkdown(await m.benchWaiter());
  },
  export: async () => {
    const m = await import('./export.ts');
    return m.exportMarkdown(await m.benchExport());
  },
  memory: async () => {
    const m = await import('./memory.ts');
    return m.memoryMarkdown(await m.benchMemory());
  },
  'aws-month': async () => {
    const m = await import('./aws-month.ts');
    const report = await import('./aws-month-report.ts');
    const flag = (name: string) => {
      const i = process.argv.indexOf(`--${name}`);
      return i === -1 ? undefined : process.argv[i + 1];
    };
    const carts = flag('carts');
    const auditRows = flag('audit-rows');
    const refreshRows = flag('refresh-rows');
    const result = await m.benchAwsMonth({
      ...(carts === undefined ? {} : { carts: Number(carts) }),
      ...(auditRows === undefined ? {} : { auditRows: Number(auditRows) }),
      ...(refreshRows === undefined ? {} : { refreshRows: refreshRows.split(',').map(Number) }),
    });
    if (process.argv.includes('--write-assumptions')) {
      report.writeAssumptionsFile(result, machine());
      process.stdout.write('wrote src/domain/aws-usage-assumptions.ts\n');
    }
    return report.awsMonthMarkdown(result);
  },
  'module-init': async () => {
    const m = await import('./module-init.ts');
    return m.moduleInitMarkdown(await m.benchModuleInit());
  },
  'owner-pages': async () => {
    const m = await import('./owner-pages.ts');
    return m.ownerPagesMarkdown(await m.benchOwnerPages());
  },
  dynamodb: async () => {
    const m = await import('./dynamodb.ts');
    return m.dynamoDbMarkdown(await m.benchDynamoDb());
  },
};

const ORDER = [
  'intake',
  'waiter',
  'dynamodb',
  'aws-month',
  'module-init',
  'export',
  'owner-pages',
  'memory',
];
const RESULTS = join('bench', 'results');

async function main() {
  // Names are the bare words; `--flag value` pairs belong to the benches that read them.
  const argv = process.argv.slice(2);
  const wanted = argv.filter(
    (arg, i) =>
      !arg.startsWith('--') &&
      !(argv[i - 1]?.startsWith('--') && argv[i - 1] !== '--write-assumptions'),
  );
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  mkdirSync(RESULTS, { recursive: true });
  for (const name of names) {
    const bench = BENCHES[name];
    if (bench === undefined)
      throw new Error(`unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.stdout.write(`bench ${name}...\n`);
    const section = await bench();
    const stamped = `${section}\n\n_Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}._\n`;
    writeFileSync(join(RESULTS, `${name}.md`), stamped);
    process.stdout.write(`${stamped}\n`);
  }
  const files = existsSync(RESULTS) ? readdirSync(RESULTS).filter((f) => f.endsWith('.md')) : [];
  files.sort((a, b) => {
    const ia = ORDER.indexOf(a.replace('.md', ''));
    const ib = ORDER.indexOf(b.replace('.md', ''));
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  });
  const body = files.map((f) => readFileSync(join(RESULTS, f), 'utf8').trim()).join('\n\n');
  writeFileSync(
    'BENCHMARKS.md',
    `# Benchmarks\n\nProduced by \`npm run bench\` (figures are medians of several runs; every figure is shown beside the baseline it is compared against, measured in the same run). Tests never assert on time; these numbers are reported, not enforced.\n\n${body}\n`,
  );
  process.stdout.write('wrote BENCHMARKS.md\n');
}

await main();
