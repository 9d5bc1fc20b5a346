/**
 * Module init of each Lambda: every entry of src/lambda/ bundled with esbuild as infra/functions.ts
 * bundles it (ESM, node24, minified, source maps, the AWS SDK left to the runtime), then imported
 * by fresh `node --enable-source-maps` processes (as deployed: NODE_OPTIONS carries the flag), timing
 * `await import(bundle)` from the first line of the process. The baseline, built in the same run, is
 * the same entry with all four SDK clients imported beside it: what every function loaded before
 * each one imported only the clients it uses. Runs interleave baseline and entry (and the entry
 * with the SDK bundled in, the alternative to the runtime's copy).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** The same entry with the SDK bundled in (not what is deployed: the alternative, measured). */
  readonly sdkBundledBytes: number;
  readonly sdkBundledMs: number;
}

export interface ModuleInitResult {
  readonly runs: number;
  readonly node: string;
  readonly entries: readonly EntryInit[];
}

async function bundle(entryFile: string, outfile: string, stdin?: string, sdkInside = false) {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: ESBUILD_TARGET,
    mainFields: MAIN_FIELDS,
    banner: { js: REQUIRE_SHIM },
    external: sdkInside ? [] : EXTERNAL_MODULES,
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
  const imports = Object.values(out.metafile?.outputs ?? {}).flatMap((o) => o.imports);
  const sdk = [
    ...new Set(imports.filter((i) => i.path.startsWith('@aws-sdk/')).map((i) => i.path)),
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
      const inFile = join(dir, entry, 'sdk-bundled.mjs');
      const built = await bundle(src, file);
      const inside = await bundle(src, inFile, undefined, true);
      const baseline = await bundle(
        src,
        baseFile,
        `${ALL_CLIENTS.map((m) => `import '${m}';`).join('\n')}\nexport * from ${JSON.stringify(src)};\n`,
      );
      // Warm the file cache once each, then interleave.
      for (const f of [file, baseFile, inFile]) timeImport(f);
      const times: number[] = [];
      const baseTimes: number[] = [];
      const inTimes: number[] = [];
      for (let i = 0; i < runs; i++) {
        baseTimes.push(timeImport(baseFile));
        times.push(timeImport(file));
        inTimes.push(timeImport(inFile));
      }
      entries.push({
        entry,
        bytes: built.bytes,
        baselineBytes: baseline.bytes,
        sdk: built.sdk,
        initMs: median(times),
        baselineMs: median(baseTimes),
        sdkBundledBytes: inside.bytes,
        sdkBundledMs: median(inTimes),
      });
    }
    return { runs, node: process.version, entries };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${fmt(bytes / 1024, 0)} KB`;
const short = (pkg: string) => pkg.replace('@aws-sdk/', '').replace('client-', '');

export function moduleInitMarkdown(r: ModuleInitResult): string {
  const rows = r.entries.map(
    (e) =>
      `| ${e.entry} | ${e.sdk.map(short).join(', ') || 'none'} | ${kb(e.bytes)} | **${fmt(e.initMs, 0)}** | ${fmt(e.baselineMs, 0)} | ${fmt(e.baselineMs - e.initMs, 0)} | ${fmt(e.sdkBundledMs, 0)} (${kb(e.sdkBundledBytes)}) |`,
  );
  const worst = Math.max(...r.entries.map((e) => e.initMs));
  return [
    '## Lambda module init',
    '',
    `Each entry of \`src/lambda/\` bundled by esbuild with the options of \`infra/functions.ts\` (ESM, ${ESBUILD_TARGET}, minified, source maps, \`@aws-sdk/*\` external as the Node.js runtime ships it), then imported by a fresh \`node --enable-source-maps\` process: the time from the process's first line to the end of \`await import(bundle)\`, the module-init part of a cold start. The baseline, built and timed in the same run, is the same entry with all four SDK clients (and the DynamoDB document client) imported beside it, as every function did while they shared one composition root. Median of ${r.runs} fresh processes each, baseline and entry interleaved, on ${r.node} (Lambda runs Node 24; the SDK is resolved from this checkout's node_modules, where Lambda resolves it from the runtime's).`,
    '',
    '| function | SDK clients it loads | bundle | module init ms | baseline (all four clients) ms | saved ms | SDK bundled in: ms (bundle) |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Slowest function: ${fmt(worst, 0)} ms (target: under 150 ms). A function that calls a client loads it at init; none loads one it never calls. The http function and the waiter call all of DynamoDB, Scheduler and Secrets Manager (and SES: the waiter sends, http mails the sender-health notice), so their figure is what those clients cost on this machine. The last column is the alternative of bundling the SDK into each function (esbuild tree-shakes it and Node reads one file instead of resolving hundreds), measured in the same run; the stack deploys with the SDK from the runtime.`,
  ].join('\n');
}

/** `node --import tsx bench/module-init.ts` prints the section alone. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchModuleInit(Number(process.argv[2] ?? 9));
  writeFileSync(1, `${moduleInitMarkdown(result)}\n`);
}
