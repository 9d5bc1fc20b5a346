import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError } from '../../domain/template.ts';
import { loadTemplates, TemplateFilesError } from './templates-loader.ts';

const SHIPPED = fileURLToPath(new URL('../../../templates', import.meta.url));
const dirs: string[] = [];

function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-templates-'));
  dirs.push(dir);
  cpSync(SHIPPED, dir, { recursive: true });
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadTemplates', () => {
  it('loads the shipped copy: three steps, each with abandoned and saved variants', () => {
    const templates = loadTemplates(SHIPPED);
    expect(templates.steps).toHaveLength(3);
    const saved = templates.steps[2]?.saved;
    expect(saved?.html.file).toBe(join(SHIPPED, 'step-3-saved.html'));
  });

  it('names the missing file', () => {
    const dir = copyOfShipped();
    rmSync(join(dir, 'step-2-saved.txt'));
    expect(() => loadTemplates(dir)).toThrow(TemplateFilesError);
    expect(() => loadTemplates(dir)).toThrow(join(dir, 'step-2-saved.txt'));
  });

  it('picks up an extra step the owner adds, and insists it is complete', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'step-4.subject.txt'), 'Fourth {{storeName}}');
    expect(() => loadTemplates(dir)).toThrow(join(dir, 'step-4.txt'));
    for (const suffix of ['.txt', '.html', '-saved.subject.txt', '-saved.txt', '-saved.html']) {
      writeFileSync(join(dir, `step-4${suffix}`), 'x');
    }
    const templates = loadTemplates(dir);
    expect(templates.steps).toHaveLength(4);
    const subject = templates.steps[3]?.abandoned.subject;
    expect(subject && renderTemplate(subject, { storeName: 'Hazel' }, 'text')).toBe('Fourth Hazel');
  });

  it('fails at load time, naming file and line, when a template is broken', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'step-1.html'), '<p>\n{{#items}}\n{{name}}\n');
    expect(() => loadTemplates(dir)).toThrow(TemplateError);
    expect(() => loadTemplates(dir)).toThrow(`${join(dir, 'step-1.html')}:2:`);
  });

  it('says which folder it could not read', () => {
    const missing = join(tmpdir(), 'cr-templates-does-not-exist');
    expect(() => loadTemplates(missing)).toThrow(
      `cannot read the email templates folder ${missing}`,
    );
  });
});
