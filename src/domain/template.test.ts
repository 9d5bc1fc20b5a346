import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplate, escapeHtml, renderTemplate, TemplateError } from './template.ts';

function render(source: string, view: unknown, mode: 'html' | 'text' = 'html'): string {
  return renderTemplate(compileTemplate(source, 'test.html'), view, mode);
}

describe('template placeholders', () => {
  it('escapes values in HTML and keeps them verbatim in text', () => {
    const view = { name: `<b>"Tom & Jerry's"</b>` };
    expect(render('Hi {{name}}!', view, 'html')).toBe(
      'Hi &lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;!',
    );
    expect(render('Hi {{name}}!', view, 'text')).toBe(`Hi <b>"Tom & Jerry's"</b>!`);
  });

  it('never lets a value close an attribute or open a tag', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = render('<a title="{{v}}">x</a>', { v: s });
        const inside = out.slice('<a title="'.length, -'">x</a>'.length);
        expect(inside).not.toMatch(/[<>"'`]/);
      }),
    );
  });

  it('reads dotted paths and numbers, and renders unknown names as nothing', () => {
    expect(render('{{a.b}}/{{n}}/{{missing}}/{{a.zz.y}}', { a: { b: 'deep' }, n: 3 })).toBe(
      'deep/3//',
    );
  });

  it('never reaches prototypes or calls functions', () => {
    const view = { items: [], fn: () => 'called', obj: {} };
    expect(
      render(
        '[{{constructor}}][{{__proto__}}][{{toString}}][{{fn}}][{{obj.constructor.name}}]',
        view,
      ),
    ).toBe('[][][][][]');
    expect(render('{{#fn}}yes{{/fn}}{{#constructor}}yes{{/constructor}}', view)).toBe('');
  });

  it('does not render objects or booleans as text', () => {
    expect(render('[{{o}}][{{t}}][{{l}}]', { o: { a: 1 }, t: true, l: ['x'] })).toBe('[][][]');
  });

  it('refuses triple mustaches so no raw HTML can be inserted', () => {
    expect(() => compileTemplate('{{{raw}}}', 'raw.html')).toThrow(TemplateError);
  });
});

describe('template sections', () => {
  it('repeats over a list with access to outer names', () => {
    const view = { currency: 'USD', items: [{ name: 'a' }, { name: 'b' }] };
    expect(render('{{#items}}{{name}} {{currency}};{{/items}}', view)).toBe('a USD;b USD;');
  });

  it('renders inverse sections only for missing, false or empty values', () => {
    const t = '{{^savedLink}}left{{/savedLink}}{{#savedLink}}saved{{/savedLink}}';
    expect(render(t, { savedLink: false })).toBe('left');
    expect(render(t, { savedLink: true })).toBe('saved');
    expect(render(t, {})).toBe('left');
    expect(render('{{^items}}empty{{/items}}', { items: [] })).toBe('empty');
    expect(render('{{^items}}empty{{/items}}', { items: [1] })).toBe('');
  });

  it('shows a section once for a non-empty string, with {{.}} as the value', () => {
    expect(render('{{#url}}<a href="{{.}}">go</a>{{/url}}', { url: 'https://x.test/?a=1' })).toBe(
      '<a href="https://x.test/?a&#61;1">go</a>',
    );
    expect(render('{{#url}}<a>go</a>{{/url}}', { url: '' })).toBe('');
  });

  it('drops comments and the lines of standalone block tags', () => {
    const source = 'Items:\n{{! one per line }}\n{{#items}}\n- {{.}}\n{{/items}}\nDone\n';
    expect(render(source, { items: ['a', 'b'] }, 'text')).toBe('Items:\n- a\n- b\nDone\n');
  });
});

describe('template errors', () => {
  it('names the file and line of an unclosed section', () => {
    try {
      compileTemplate('line one\n\n{{#items}}\n{{name}}\n', 'step-1.html');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).message).toBe(
        'step-1.html:3: {{#items}} is never closed with {{/items}}',
      );
      expect((error as TemplateError).line).toBe(3);
    }
  });

  it('reports mismatched and stray closing tags and unterminated braces', () => {
    expect(() => compileTemplate('{{#a}}\n{{/b}}', 'f.txt')).toThrow(
      'f.txt:2: {{/b}} closes {{#a}} opened on line 1',
    );
    expect(() => compileTemplate('x\n{{/a}}', 'f.txt')).toThrow('f.txt:2: {{/a}} closes nothing');
    expect(() => compileTemplate('x {{name', 'f.txt')).toThrow('f.txt:1: a "{{" is never closed');
    expect(() => compileTemplate('{{ store name }}', 'f.txt')).toThrow(
      'f.txt:1: "{{store name}}" is not a placeholder name',
    );
  });
});

describe('escapeHtml', () => {
  it('leaves nothing that is markup-significant', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(escapeHtml(s)).not.toMatch(/[<>"'`=]/);
      }),
    );
  });
});
