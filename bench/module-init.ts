/**
 * Module init of each Lambda: every entry of src/lambda/ bundled with esbuild as infra/functions.ts
 * bundles it (ESM, node24, minified, source maps, the AWS SDK bundled in), then imported by fresh
 * `node --enable-source-maps` processes (as deployed: NODE_OPTIONS carries the flag), timing
 * `await import(bundle)` from the first line of the process. The baseline, built in the same run,
 * is what was deployed before: the same entry with all four SDK clients imported beside it and the
 * SDK left to the runtime. A third build takes the clients apart but leaves the SDK to the
 * runtime, to show what each of the two changes brings. Runs interleave the three.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ESBUILD_TARGET, EXTERNAL_MODULES, MAIN_FIELDS, REQUIRE_SHIM } from '../infra/functions.ts';
import { fmt, median } from './lib.ts';

export const ENTRIES = [
  'http',
  'waiter',
  'nightly-export',
  'monthly-summary',
  'ses-feedback',
  'rearm',
] as const;

const ALL_CLIENTS = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-scheduler',
  '@aws-sdk/client-sesv2',
  '@aws-sdk/client-secrets-manager',
];

export interface EntryInit {
  readonly entry: string;
  readonly bytes: number;
  readonly baselineBytes: number;
  /** The @aws-sdk packages the bundle imports. */
  readonly sdk: readonly string[];
  readonly initMs: number;
  readonly baselineMs: number;
  /** The same entry with the SDK left to the runtime (the clients it uses only). */
  readonly runtimeSdkBytes: number;
  readonly runtimeSdkMs: number;
}

export interface ModuleInitResult {
  readonly runs: number;
  readonly node: string;
  readonly entries: readonly EntryInit[];
  /** 1-minute load average at the start and the end: other work on the box slows every figure. */
  readonly load: readonly [number, number];
}

const RUNTIME_SDK = ['@aws-sdk/*'];

async function bundle(
  entryFile: string,
  outfile: string,
  external: readonly string[],
  stdin?: string,
) {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: ESBUILD_TARGET,
    mainFields: MAIN_FIELDS,
    banner: { js: REQUIRE_SHIM },
    external: [...external],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outfile,
    metafile: true,
    logLevel: 'error' as const,
  };
  const out = await build(
    stdin === undefined
      ? { ...common, entryPoints: [entryFile] }
      : { ...common, stdin: { contents: stdin, resolveDir: resolve('.'), loader: 'ts' } },
  );
  // The SDK packages in the bundle, imported (external) or bundled in.
  const inputs = Object.values(out.metafile?.outputs ?? {}).flatMap((o) => [
    ...o.imports.map((i) => i.path),
    ...Object.keys(o.inputs),
  ]);
  const sdk = [
    ...new Set(
      inputs.flatMap((path) => {
        const match = /@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)/.exec(path);
        return match === null ? [] : [`@aws-sdk/${match[1]}`];
      }),
    ),
  ];
  return { bytes: statSync(outfile).size, sdk: sdk.sort() };
}

/** One fresh process: ms from its first line to the end of `await import(bundle)`. */
function timeImport(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(
    process.execPath,
    ['--enable-source-maps', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    },
  );
  return Number(out);
}

export async function benchModuleInit(runs = 15): Promise<ModuleInitResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'cr-module-init-'));
  // The bundles resolve the SDK the way the Lambda runtime would: from a node_modules beside them.
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  try {
    const entries: EntryInit[] = [];
    for (const entry of ENTRIES) {
      const src = resolve('src', 'lambda', `${entry}.ts`);
      mkdirSync(join(dir, entry));
      const file = join(dir, entry, 'index.mjs');
      const baseFile = join(dir, entry, 'baseline.mjs');
      const runtimeFile = join(dir, entry, 'runtime-sdk.mjs');
      const built = await bundle(src, file, EXTERNAL_MODULES);
      const runtimeSdk = await bundle(src, runtimeFile, RUNTIME_SDK);
      const baseline = await bundle(
        src,
        baseFile,
        RUNTIME_SDK,
        `${ALL_CLIENTS.map((m) => `import '${m}';`).join('\n')}\nexport * from ${JSON.stringify(src)};\n`,
      );
      // Warm the file cache once each, then interleave.
      for (const f of [file, baseFile, runtimeFile]) timeImport(f);
      const times: number[] = [];
      const baseTimes: number[] = [];
      const runtimeTimes: number[] = [];
      for (let i = 0; i < runs; i++) {
        baseTimes.push(timeImport(baseFile));
        times.push(timeImport(file));
        runtimeTimes.push(timeImport(runtimeFile));
      }
      entries.push({
        entry,
        bytes: built.bytes,
        baselineBytes: baseline.bytes,
        sdk: built.sdk,
        initMs: median(times),
        baselineMs: median(baseTimes),
        runtimeSdkBytes: runtimeSdk.bytes,
        runtimeSdkMs: median(runtimeTimes),
      });
    }
    return { runs, node: process.version, entries, load: [loadBefore, loadavg()[0] ?? 0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${fmt(bytes / 1024, 0)} KB`;
const short = (pkg: string) => pkg.replace('@aws-sdk/', '').replace('client-', '');

export function moduleInitMarkdown(r: ModuleInitResult): string {
  const rows = r.entries.map(
    (e) =>
      `| ${e.entry} | ${e.sdk.map(short).join(', ') || 'none'} | ${kb(e.bytes)} | **${fmt(e.initMs, 0)}** | ${fmt(e.baselineMs, 0)} (${kb(e.baselineBytes)}) | ${fmt(e.runtimeSdkMs, 0)} (${kb(e.runtimeSdkBytes)}) |`,
  );
  const worst = Math.max(...r.entries.map((e) => e.initMs));
  return [
    '## Lambda module init',
    '',
    `Each entry of \`src/lambda/\` bundled by esbuild with the options of \`infra/functions.ts\` (ESM, ${ESBUILD_TARGET}, minified, source maps, the AWS SDK bundled in), then imported by a fresh \`node --enable-source-maps\` process: the time from the process's first line to the end of \`await import(bundle)\`, the module-init part of a cold start. The baseline, built and timed in the same run, is what was deployed before: the same entry with all four SDK clients (and the DynamoDB document client) imported beside it, as every function did while they shared one composition root, and \`@aws-sdk/*\` left to the Node.js runtime (resolved here from this checkout's node_modules). The last column splits the clients but leaves the SDK to the runtime, to show what each change brings. Median of ${r.runs} fresh processes each, the three interleaved, on ${r.node} (Lambda runs Node 24).`,
    '',
    '| function | SDK clients in it | bundle | module init ms (deployed) | baseline: all four clients, runtime SDK, ms (bundle) | its clients only, runtime SDK, ms (bundle) |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `Slowest function: ${fmt(worst, 0)} ms (target: under 150 ms). Load average (1 min) ${fmt(r.load[0], 1)} at the start and ${fmt(r.load[1], 1)} at the end, on ${cpus().length} cores: work beside the bench slows all three columns alike, so compare them with each other rather than with figures from a quiet machine.`,
    `Nothing is deferred to the first request: a function loads every client it calls at init (so this is its whole SDK cost), and none loads one it never calls. The http function and the waiter call all of DynamoDB, Scheduler and Secrets Manager (and SES: the waiter sends, http mails the sender-health notice), so their figure is what those clients cost on this machine. Bundling the SDK makes each function carry its clients (tree-shaken) in one file, which Node reads at once instead of resolving hundreds of files.`,
  ].join('\n');
}

/** `node --import tsx bench/module-init.ts` prints the section alone. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchModuleInit(Number(process.argv[2] ?? 9));
  writeFileSync(1, `${moduleInitMarkdown(result)}\n`);
}
