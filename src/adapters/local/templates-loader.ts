/**
 * Reads the owner's email copy from a folder once, at start-up, and compiles it, so a missing
 * file or a template mistake stops the service before it sends anything (see templates/README.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StepTemplates, TemplateSet, Templates } from '../../domain/copy.ts';
import { compileTemplate } from '../../domain/template.ts';

export class TemplateFilesError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateFilesError';
  }
}

const STEP_FILE = /^step-(\d+)(?:-saved)?\.(?:subject\.txt|txt|html)$/;
// Templates are a few KiB; anything near this is a wrong folder, not copy.
const MAX_FILE_BYTES = 256 * 1024;

function readTemplateFile(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new TemplateFilesError(`email template ${path} is missing (see templates/README.md)`);
  }
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) {
    throw new TemplateFilesError(
      `email template ${path} is ${size} bytes; is this the right file?`,
    );
  }
  return readFileSync(path, 'utf8');
}

function loadSet(dir: string, base: string): TemplateSet {
  const compile = (name: string) => compileTemplate(readTemplateFile(dir, name), join(dir, name));
  return {
    subject: compile(`${base}.subject.txt`),
    text: compile(`${base}.txt`),
    html: compile(`${base}.html`),
  };
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

export function loadTemplates(dir: string): Templates {
  const steps: StepTemplates[] = [];
  const last = lastStep(dir);
  for (let step = 1; step <= last; step++) {
    steps.push({
      abandoned: loadSet(dir, `step-${step}`),
      saved: loadSet(dir, `step-${step}-saved`),
    });
  }
  return { steps };
}
