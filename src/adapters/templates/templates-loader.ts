/**
 * Reads the owner's email copy from a folder once, at start-up, and compiles it, so a missing
 * file or a template mistake stops the service before it sends anything (see templates/README.md).
 * Shared parts live in `partials/<name>.html` and `partials/<name>.txt`: an HTML template can
 * include only the .html ones and a text or subject template only the .txt ones, so a shopper's
 * text is always escaped the way the part it ends up in needs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StepTemplates, TemplateSet, Templates } from '../../domain/copy.ts';
import {
  compileTemplate,
  type PartialSource,
  type Partials,
  type Template,
  TemplateError,
} from '../../domain/template.ts';

/**
 * What is wrong with the templates folder: one line per problem, every problem found in one pass,
 * so an owner editing the copy fixes them all at once instead of one per restart.
 */
export class TemplateFilesError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[], options?: ErrorOptions) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(
      list.length === 1
        ? (list[0] ?? '')
        : `the email templates have ${list.length} problems:\n${list.map((p) => `  ${p}`).join('\n')}`,
      options,
    );
    this.name = 'TemplateFilesError';
    this.problems = list;
  }
}

/** Collects problems while loading goes on; `check` throws them all together at the end. */
class Problems {
  private readonly seen = new Map<string, Error>();
  /** The value of `load`, or null with its problem kept when it fails for a reason we can name. */
  attempt<T>(load: () => T): T | null {
    try {
      return load();
    } catch (error) {
      if (error instanceof TemplateError) for (const each of error.all()) this.keep(each);
      else if (error instanceof TemplateFilesError) this.keep(error);
      else throw error;
      return null;
    }
  }
  private keep(error: Error): void {
    // A broken partial is reported once, not once per file that includes it.
    const key =
      error instanceof TemplateError
        ? `${error.file}:${error.line}:${error.problem}`
        : error.message;
    if (!this.seen.has(key)) this.seen.set(key, error);
  }
  check(): void {
    if (this.seen.size === 0) return;
    const errors = [...this.seen.values()];
    throw new TemplateFilesError(
      errors.map((error) => error.message),
      { cause: errors.length === 1 ? errors[0] : new AggregateError(errors) },
    );
  }
}

const STEP_FILE = /^step-(\d+)(?:-saved)?\.(?:subject\.txt|txt|html)$/;
const PARTIALS_DIR = 'partials';
// The name part is what `{{> name}}` accepts; anything else in the folder (a README) is not a part.
const PARTIAL_FILE = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.(html|txt)$/;
// Templates are a few KiB; anything near this is a wrong folder, not copy.
const MAX_FILE_BYTES = 256 * 1024;

function readTemplateFile(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new TemplateFilesError(`email template ${path} is missing (see templates/README.md)`);
  }
  const stat = statSync(path);
  if (!stat.isFile()) throw new TemplateFilesError(`email template ${path} is not a file`);
  const size = stat.size;
  if (size > MAX_FILE_BYTES) {
    throw new TemplateFilesError(
      `email template ${path} is ${size} bytes; is this the right file?`,
    );
  }
  return readFileSync(path, 'utf8');
}

interface PartialSets {
  readonly html: Partials;
  readonly txt: Partials;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Every part in `partials/`, read once; no folder means no parts, which is fine until one is used. */
function loadPartials(dir: string, problems: Problems): PartialSets {
  const folder = join(dir, PARTIALS_DIR);
  const html = new Map<string, PartialSource>();
  const txt = new Map<string, PartialSource>();
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if (isMissing(error)) return { html, txt };
    throw new TemplateFilesError(`cannot read the email partials folder ${folder}`, {
      cause: error,
    });
  }
  for (const name of names) {
    const match = PARTIAL_FILE.exec(name);
    if (match?.[1] === undefined) continue;
    const source = problems.attempt(() => readTemplateFile(folder, name));
    if (source === null) continue;
    (match[2] === 'html' ? html : txt).set(match[1], { file: join(folder, name), source });
  }
  return { html, txt };
}

function loadSet(
  dir: string,
  base: string,
  partials: PartialSets,
  problems: Problems,
): TemplateSet | null {
  const compile = (name: string, parts: Partials): Template | null =>
    problems.attempt(() => compileTemplate(readTemplateFile(dir, name), join(dir, name), parts));
  const subject = compile(`${base}.subject.txt`, partials.txt);
  const text = compile(`${base}.txt`, partials.txt);
  const html = compile(`${base}.html`, partials.html);
  return subject && text && html && { subject, text, html };
}

/** Highest step number that has any file; every step from 1 up to it must be complete. */
function lastStep(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new TemplateFilesError(`cannot read the email templates folder ${dir}`, {
      cause: error,
    });
  }
  let last = 0;
  for (const name of names) {
    const match = STEP_FILE.exec(name);
    if (match) last = Math.max(last, Number(match[1]));
  }
  return Math.max(last, 1);
}

/** Every step's copy, compiled; any problems are thrown together as one TemplateFilesError. */
export function loadTemplates(dir: string): Templates {
  const steps: StepTemplates[] = [];
  const last = lastStep(dir);
  const problems = new Problems();
  const partials = loadPartials(dir, problems);
  for (let step = 1; step <= last; step++) {
    const abandoned = loadSet(dir, `step-${step}`, partials, problems);
    const saved = loadSet(dir, `step-${step}-saved`, partials, problems);
    if (abandoned !== null && saved !== null) steps.push({ abandoned, saved });
  }
  problems.check();
  return { steps };
}
