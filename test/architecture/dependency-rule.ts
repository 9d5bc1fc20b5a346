/**
 * The dependency rule of DESIGN.md, as a check over source text: `domain/` imports nothing else
 * in `src/` and does no I/O; `ports/` see only the domain; `app/` and `http/` import no adapter
 * and no runtime; each adapter folder imports no other adapter folder except `mime/`, which the
 * mailers share; only the runtimes (`cli/`, `lambda/`) compose adapters. An architecture test
 * rather than Biome's noRestrictedImports because the rule is about where a resolved path
 * lands, and relative specifiers ('../../x') only say that once resolved.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Repo-relative, with forward slashes (src/app/wake.ts). */
  readonly path: string;
  readonly text: string;
}

export interface Breach {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly rule: string;
}

/** Adapter folders any adapter may import (message building the mailers share). */
const SHARED_ADAPTER_FOLDERS = new Set(['mime']);
/** Node modules that do I/O: the domain decides, it never reads or writes. */
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|os|child_process|dgram|dns|tls|cluster|worker_threads)$/;
/** SDKs and engines: only adapters (and the runtimes that build them) touch these. */
const ENGINE_PACKAGES =
  /^(@aws-sdk\/|better-sqlite3$|nodemailer|pino$|prom-client$|archiver$|googleapis)/;

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** Every static and dynamic import/export-from specifier in a file, with its line. */
export function importsOf(text: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier !== undefined)
      found.push({ specifier, line: lineOf(text, (match.index ?? 0) + match[0].search(/\S/)) });
  }
  return found;
}

/** The layer and, for adapters, the folder: ['adapters', 'sqlite'], ['domain'], or null outside src/. */
function placeOf(path: string): { layer: string; folder?: string } | null {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 3) return null;
  const layer = parts[1] ?? '';
  if (layer === 'adapters' && parts.length >= 4) return { layer, folder: parts[2] ?? '' };
  return { layer };
}

const isTest = (path: string) => /\.(test|property\.test)\.ts$/.test(path);

function breachOf(from: string, specifier: string): string | null {
  const source = placeOf(from);
  if (source === null) return null;
  if (!specifier.startsWith('.')) {
    if (source.layer === 'domain' && !isTest(from) && IO_MODULES.test(specifier))
      return 'domain/ does no I/O';
    const engineFree = ['domain', 'ports', 'app', 'http'];
    if (engineFree.includes(source.layer) && !isTest(from) && ENGINE_PACKAGES.test(specifier))
      return `${source.layer}/ uses no SDK or engine; an adapter does`;
    return null;
  }
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const to = placeOf(target);
  if (to === null) return null; // test/ support, templates: outside the layering
  switch (source.layer) {
    case 'domain':
      return to.layer === 'domain' ? null : 'domain/ imports nothing else in src/';
    case 'ports':
      return to.layer === 'ports' || to.layer === 'domain' ? null : 'ports/ see only domain/';
    case 'app':
    case 'http':
      return ['adapters', 'cli', 'lambda'].includes(to.layer)
        ? `${source.layer}/ imports no adapter and no runtime`
        : null;
    case 'platforms':
      // A platform is its signature check and its mapping: the generic route (http/) calls it.
      return ['domain', 'ports', 'platforms'].includes(to.layer)
        ? null
        : 'platforms/ see only domain/ and ports/ (the http route calls them)';
    case 'adapters':
      if (['app', 'http', 'cli', 'lambda', 'platforms'].includes(to.layer))
        return 'adapters/ implement ports; they do not call the app or a runtime';
      if (
        to.layer === 'adapters' &&
        to.folder !== source.folder &&
        !SHARED_ADAPTER_FOLDERS.has(to.folder ?? '')
      )
        return `adapters/${source.folder}/ imports no other adapter folder (only mime/ is shared)`;
      return null;
    default:
      return null; // cli/ and lambda/ are the runtimes: they compose everything
  }
}

export function findBreaches(files: readonly SourceFile[]): Breach[] {
  const breaches: Breach[] = [];
  for (const file of files) {
    for (const { specifier, line } of importsOf(file.text)) {
      const rule = breachOf(file.path, specifier);
      if (rule !== null) breaches.push({ file: file.path, line, specifier, rule });
    }
  }
  return breaches;
}

/** Every .ts file under src/, repo-relative. */
export function readSourceTree(repoRoot: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts'))
        files.push({
          path: relative(repoRoot, full).split(sep).join('/'),
          text: readFileSync(full, 'utf8'),
        });
    }
  };
  walk(resolve(repoRoot, 'src'));
  return files;
}

export const REPO_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
