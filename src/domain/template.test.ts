import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileTemplate,
  escapeHtml,
  type Partials,
  renderTemplate,
  TemplateError,
} from './template.ts';

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

function partials(sources: Record<string, string>, ext = 'html'): Partials {
  return new Map(
    Object.entries(sources).map(([name, source]) => [
      name,
      { file: `partials/${name}.${ext}`, source },
    ]),
  );
}

function renderWith(
  source: string,
  parts: Record<string, string>,
  view: unknown,
  mode: 'html' | 'text' = 'html',
): string {
  return renderTemplate(compileTemplate(source, 'step-1.html', partials(parts)), view, mode);
}

function compileError(source: string, parts: Record<string, string>): TemplateError {
  try {
    compileTemplate(source, 'step-1.html', partials(parts));
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('template partials', () => {
  it('pastes a partial in, reading the same view as the file that includes it', () => {
    const parts = { sign: 'Thanks, {{storeName}}' };
    expect(renderWith('<p>{{> sign}}</p>', parts, { storeName: 'Hazel' })).toBe(
      '<p>Thanks, Hazel</p>',
    );
    expect(renderWith('<p>{{>sign}}</p>', parts, { storeName: 'Oak' })).toBe('<p>Thanks, Oak</p>');
  });

  it('escapes values inside a partial in HTML and keeps them verbatim in text', () => {
    const parts = { footer: '<a href="{{url}}">{{name}}</a>' };
    const view = { url: 'https://x.test/?a=1&b="2"', name: `<b>Tom & Jerry's</b>` };
    expect(renderWith('{{> footer}}', parts, view, 'html')).toBe(
      '<a href="https://x.test/?a&#61;1&amp;b&#61;&quot;2&quot;">&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;</a>',
    );
    expect(renderWith('{{> footer}}', parts, view, 'text')).toBe(
      `<a href="https://x.test/?a=1&b="2"">${view.name}</a>`,
    );
  });

  it('escapes any value in a partial exactly as the same markup written in the file', () => {
    const markup = '<b title="{{v}}">{{v}}</b>';
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('html', 'text') as fc.Arbitrary<'html' | 'text'>,
        (v, mode) => {
          expect(renderWith('[{{> p}}]', { p: markup }, { v }, mode)).toBe(
            render(`[${markup}]`, { v }, mode),
          );
        },
      ),
    );
  });

  it('runs sections and inverted sections inside a partial', () => {
    const parts = {
      rows: '{{#items}}<tr>{{name}} x {{quantity}}</tr>{{/items}}{{^items}}<tr>empty</tr>{{/items}}',
    };
    const source = '<table>{{> rows}}</table>';
    expect(
      renderWith(source, parts, {
        items: [
          { name: 'a', quantity: 1 },
          { name: '<b>', quantity: 2 },
        ],
      }),
    ).toBe('<table><tr>a x 1</tr><tr>&lt;b&gt; x 2</tr></table>');
    expect(renderWith(source, parts, { items: [] })).toBe('<table><tr>empty</tr></table>');
  });

  it('renders a partial inside a section once per element, with the element in view', () => {
    const parts = { row: '- {{name}} ({{currency}})\n' };
    const source = 'Items:\n{{#items}}\n{{> row}}\n{{/items}}\nEnd\n';
    expect(
      renderWith(source, parts, { currency: 'EUR', items: [{ name: 'a' }, { name: 'b' }] }, 'text'),
    ).toBe('Items:\n- a (EUR)\n- b (EUR)\nEnd\n');
  });

  it('takes a standalone partial line away, indents the partial by it, and nests partials', () => {
    const parts = { outer: 'one\n{{> inner}}\n', inner: '{{#ok}}\ntwo {{v}}\n{{/ok}}\n\nthree\n' };
    const source = 'start\n  {{> outer}}\nend\n';
    expect(renderWith(source, parts, { ok: true, v: 'V' }, 'text')).toBe(
      'start\n  one\n  two V\n\n  three\nend\n',
    );
  });

  it('uses one partial in several places, each reading its own context', () => {
    const parts = { cell: '<td>{{name}}</td>' };
    const view = { name: 'top', l: [{ name: 'a' }, { name: '<b>' }] };
    expect(renderWith('{{#l}}{{> cell}}{{/l}}|{{> cell}}', parts, view)).toBe(
      '<td>a</td><td>&lt;b&gt;</td>|<td>top</td>',
    );
  });
});

describe('template partial errors', () => {
  it('names the including file and line, and the partials there are, for an unknown name', () => {
    const error = compileError('<p>\n{{> foter}}\n', { footer: 'x', items: 'y' });
    expect(error.message).toBe(
      'step-1.html:2: {{> foter}} names no partial (known: footer, items)',
    );
    expect(compileError('{{> footer}}', {}).message).toBe(
      'step-1.html:1: {{> footer}} names no partial (there are no partials)',
    );
    expect(compileError('{{> constructor}}', {}).message).toContain('names no partial');
  });

  it('refuses a partial name that is not a plain file name', () => {
    expect(compileError('\n{{> ../secrets}}', {}).message).toBe(
      'step-1.html:2: "{{> ../secrets}}" is not a partial name',
    );
    expect(compileError('{{> a.b}}', { 'a.b': 'x' }).message).toContain('is not a partial name');
  });

  it('refuses a partial that includes itself, directly or through another', () => {
    const direct = compileError('x\n{{> a}}', { a: 'one\n{{> a}}' });
    expect(direct.message).toBe(
      'partials/a.html:2: {{> a}} includes a partial in itself: a > a (included from step-1.html:2)',
    );
    const indirect = compileError('{{> a}}', { a: '{{> b}}', b: '\n\n{{> c}}', c: '{{> a}}' });
    expect(indirect.message).toBe(
      'partials/c.html:1: {{> a}} includes a partial in itself: a > b > c > a' +
        ' (included from partials/b.html:3, from partials/a.html:1, from step-1.html:1)',
    );
    expect(indirect.file).toBe('partials/c.html');
    expect(indirect.line).toBe(1);
    expect(indirect.includedFrom.at(-1)).toEqual({ file: 'step-1.html', line: 1 });
  });

  it('reports a mistake inside a partial at the partial file and line, and where it is included', () => {
    const error = compileError('<html>\n\n{{> footer}}\n', {
      footer: '<p>\n{{#storeAddressLines}}\n{{line}}<br>\n',
    });
    expect(error.message).toBe(
      'partials/footer.html:2: {{#storeAddressLines}} is never closed with {{/storeAddressLines}}' +
        ' (included from step-1.html:3)',
    );
    expect(error.problem).toBe(
      '{{#storeAddressLines}} is never closed with {{/storeAddressLines}}',
    );
    expect(error.includedFrom).toEqual([{ file: 'step-1.html', line: 3 }]);
    expect(error.cause).toBeInstanceOf(TemplateError);
    expect(compileError('{{> p}}', { p: 'a {{name' }).message).toBe(
      'partials/p.html:1: a "{{" is never closed with "}}" (included from step-1.html:1)',
    );
  });

  it('keeps sections from reaching across a partial boundary', () => {
    expect(compileError('{{#items}}\n{{> close}}', { close: '{{/items}}' }).message).toBe(
      'partials/close.html:1: {{/items}} closes nothing (included from step-1.html:2)',
    );
    expect(compileError('{{> open}}{{/items}}', { open: '{{#items}}' }).message).toBe(
      'partials/open.html:1: {{#items}} is never closed with {{/items}} (included from step-1.html:1)',
    );
  });
});
