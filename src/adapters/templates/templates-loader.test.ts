import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TemplateSet, Templates } from '../../domain/copy.ts';
import { renderTemplate } from '../../domain/template.ts';
import { loadTemplates, TemplateFilesError } from './templates-loader.ts';

const SHIPPED = fileURLToPath(new URL('../../../templates', import.meta.url));
const dirs: string[] = [];

function copyOfShipped(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-templates-'));
  dirs.push(dir);
  cpSync(SHIPPED, dir, { recursive: true });
  return dir;
}

const VIEW = {
  storeName: 'Hazel & Oak',
  storeAddress: '12 Rue de la Paix, 75002 Paris',
  storeAddressLines: [{ line: '12 Rue de la Paix' }, { line: '75002 Paris' }],
  unsubscribeUrl: 'https://shop.test/unsubscribe?t=u.tok',
  cartUrl: 'https://shop.test/c?t=c.tok',
  total: '$84.50',
  items: [{ name: '<b>Mug</b>', quantity: 2, price: '$12.50', lineTotal: '$25.00', url: '' }],
};

function allSets(templates: Templates): TemplateSet[] {
  return templates.steps.flatMap((s) => [s.abandoned, s.saved]);
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
    expect(() => loadTemplates(dir)).toThrow(TemplateFilesError);
    expect(() => loadTemplates(dir)).toThrow(`${join(dir, 'step-1.html')}:2:`);
  });

  it('lists every mistake at once: several in one file, in a partial, and in other files', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'partials', 'footer.txt'), 'Bye {{store name}}\n');
    writeFileSync(join(dir, 'step-1.txt'), '{{bad-name}}\n{{#items}}\n{{> footer}}\n');
    writeFileSync(join(dir, 'step-3.html'), '<p>{{/items}}</p>\n');
    let caught: unknown;
    try {
      loadTemplates(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateFilesError);
    const problems = (caught as TemplateFilesError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        `${join(dir, 'step-1.txt')}:1: "{{bad-name}}" is not a placeholder name`,
        `${join(dir, 'partials', 'footer.txt')}:1: "{{store name}}" is not a placeholder name (included from ${join(dir, 'step-1.txt')}:3)`,
        `${join(dir, 'step-1.txt')}:2: {{#items}} is never closed with {{/items}}`,
        `${join(dir, 'step-3.html')}:1: {{/items}} closes nothing`,
      ]),
    );
    // Every line is one problem: the message is a header and one line per problem, no more.
    expect((caught as Error).message.split('\n')).toHaveLength(problems.length + 1);
  });

  it('says which folder it could not read', () => {
    const missing = join(tmpdir(), 'cr-templates-does-not-exist');
    expect(() => loadTemplates(missing)).toThrow(
      `cannot read the email templates folder ${missing}`,
    );
  });

  it('gives every shipped email the shared footer: store, postal address, unsubscribe link', () => {
    const sets = allSets(loadTemplates(SHIPPED));
    expect(sets).toHaveLength(6);
    for (const set of sets) {
      const html = renderTemplate(set.html, VIEW, 'html');
      const text = renderTemplate(set.text, VIEW, 'text');
      expect(html, set.html.file).toContain('<a href="https://shop.test/unsubscribe?t&#61;u.tok"');
      expect(html, set.html.file).toContain('12 Rue de la Paix<br>\n75002 Paris<br>');
      expect(html, set.html.file).toContain('&lt;b&gt;Mug&lt;/b&gt;');
      expect(html.trimEnd().endsWith('</html>'), set.html.file).toBe(true);
      expect(text, set.text.file).toContain('Hazel & Oak, 12 Rue de la Paix, 75002 Paris\n');
      expect(text, set.text.file).toContain('Unsubscribe: https://shop.test/unsubscribe?t=u.tok\n');
      expect(text, set.text.file).toContain('- <b>Mug</b> x 2, $12.50 each');
    }
  });

  it('changes every email when the owner edits a shared part once', () => {
    const dir = copyOfShipped();
    writeFileSync(
      join(dir, 'partials', 'footer.html'),
      '<p>{{storeName}} | {{unsubscribeUrl}}</p>\n',
    );
    writeFileSync(
      join(dir, 'partials', 'footer.txt'),
      'Bye from {{storeName}}: {{unsubscribeUrl}}\n',
    );
    for (const set of allSets(loadTemplates(dir))) {
      expect(renderTemplate(set.html, VIEW, 'html')).toMatch(
        /<p>Hazel &amp; Oak \| https:\/\/shop\.test\/unsubscribe\?t&#61;u\.tok<\/p>\n$/,
      );
      expect(renderTemplate(set.text, VIEW, 'text')).toMatch(
        /Bye from Hazel & Oak: https:\/\/shop\.test\/unsubscribe\?t=u\.tok\n$/,
      );
    }
  });

  it('lets an HTML template include only .html parts, and text and subject only .txt ones', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'partials', 'greeting.txt'), 'Hi from {{storeName}}');
    writeFileSync(join(dir, 'step-1.subject.txt'), '{{> greeting}}');
    const subject = loadTemplates(dir).steps[0]?.abandoned.subject;
    expect(subject && renderTemplate(subject, VIEW, 'text')).toBe('Hi from Hazel & Oak');
    writeFileSync(join(dir, 'step-2.html'), '<p>\n{{> greeting}}\n');
    expect(() => loadTemplates(dir)).toThrow(TemplateFilesError);
    expect(() => loadTemplates(dir)).toThrow(
      `${join(dir, 'step-2.html')}:2: {{> greeting}} names no partial (known: body-start, footer, head-start, items)`,
    );
  });

  it('names the partial file, its line and the including file for a mistake in a part', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'partials', 'footer.txt'), 'Bye\n{{#items}}\n{{name}}\n');
    expect(() => loadTemplates(dir)).toThrow(
      `${join(dir, 'partials', 'footer.txt')}:2: {{#items}} is never closed with {{/items}} (included from ${join(dir, 'step-1.txt')}:`,
    );
  });

  it('needs no partials folder when no template uses one, and says so when one does', () => {
    const dir = copyOfShipped();
    rmSync(join(dir, 'partials'), { recursive: true });
    expect(() => loadTemplates(dir)).toThrow(
      `${join(dir, 'step-1.txt')}:8: {{> items}} names no partial (there are no partials)`,
    );
    for (const name of readdirSync(dir).filter((n) => n.startsWith('step-'))) {
      writeFileSync(join(dir, name), 'Hello {{storeName}}\n');
    }
    expect(loadTemplates(dir).steps).toHaveLength(3);
  });

  it('ignores other files in the partials folder and refuses an oversized part', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'partials', 'README.md'), 'notes');
    mkdirSync(join(dir, 'partials', 'old'));
    expect(loadTemplates(dir).steps).toHaveLength(3);
    writeFileSync(join(dir, 'partials', 'items.html'), 'x'.repeat(300 * 1024));
    expect(() => loadTemplates(dir)).toThrow(TemplateFilesError);
    expect(() => loadTemplates(dir)).toThrow(
      `email template ${join(dir, 'partials', 'items.html')} is 307200 bytes`,
    );
  });

  it('refuses a part that is a folder rather than a file', () => {
    const dir = copyOfShipped();
    mkdirSync(join(dir, 'partials', 'banner.html'));
    expect(() => loadTemplates(dir)).toThrow(
      `email template ${join(dir, 'partials', 'banner.html')} is not a file`,
    );
  });
});
