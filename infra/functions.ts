/**
 * One way to build every Lambda of the stack: the newest Node.js runtime on arm64, bundled by the
 * local esbuild (never Docker, so synth works on a laptop or in CI without a daemon), ESM output,
 * and its own log group with a retention, so logs never pile up forever.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest Node.js runtime this aws-cdk-lib knows; Node 20 is end-of-life. */
export const RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';
export const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Where the email templates sit inside a bundle that carries them (CR_TEMPLATES_DIR). */
export const BUNDLED_TEMPLATES_DIR = '/var/task/templates';

/**
 * Bundled ESM has no `require`; CommonJS dependencies (nodemailer and friends) call it for Node
 * built-ins, so give the module one. The alias avoids clashing with an import of the same name.
 */
export const REQUIRE_SHIM =
  "import { createRequire as __crCreateRequire } from 'node:module'; const require = __crCreateRequire(import.meta.url);";

/**
 * Nothing is left out, the AWS SDK included, though the Node.js runtime ships one: bundled, each
 * function carries only the parts of the clients it calls (tree-shaken) in one file, and starts
 * 2-3 times faster than when Node resolves the runtime's copy file by file (BENCHMARKS.md,
 * "Lambda module init"); and it runs the SDK version the tests ran, not whatever the runtime has.
 */
export const EXTERNAL_MODULES: string[] = [];
export const MAIN_FIELDS = ['module', 'main'];

export interface CrFunctionOptions {
  /** File name under src/lambda/ without `.ts`; also the construct id's base. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** Copy `templates/` into the bundle (functions that render reminder emails). */
  readonly withTemplates?: boolean;
  readonly functionName?: string;
  /** Reserved concurrency: at most this many copies at once (undefined: no reservation). */
  readonly reservedConcurrency?: number | undefined;
}

/** Shell commands esbuild's local bundler runs after bundling: copy the owner-editable copy. */
function copyTemplates(inputDir: string, outputDir: string): string[] {
  return [`cp -R "${path.join(inputDir, 'templates')}" "${path.join(outputDir, 'templates')}"`];
}

export function createCrFunction(scope: Construct, id: string, options: CrFunctionOptions) {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // Stack traces point into src/, not the minified bundle.
  const environment: Record<string, string> = {
    ...options.environment,
    NODE_OPTIONS: '--enable-source-maps',
  };
  if (options.withTemplates) environment.CR_TEMPLATES_DIR = BUNDLED_TEMPLATES_DIR;
  return new NodejsFunction(scope, id, {
    entry: path.join(REPO_ROOT, 'src', 'lambda', `${options.entry}.ts`),
    handler: 'handler',
    description: options.description,
    runtime: RUNTIME,
    architecture: Architecture.ARM_64,
    memorySize: options.memorySize,
    timeout: options.timeout,
    logGroup,
    environment,
    ...(options.functionName === undefined ? {} : { functionName: options.functionName }),
    ...(options.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrentExecutions: options.reservedConcurrency }),
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: ESBUILD_TARGET,
      mainFields: MAIN_FIELDS,
      banner: REQUIRE_SHIM,
      // bench/module-init.ts bundles each entry with these same options to time its start.
      externalModules: EXTERNAL_MODULES,
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      ...(options.withTemplates
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: copyTemplates,
            },
          }
        : {}),
    },
  });
}

export const seconds = Duration.seconds;
export const minutes = Duration.minutes;
