/**
 * A tiny logic-less template language for the owner-editable email copy (a subset of Mustache):
 *   {{name}}              the value, HTML-escaped in HTML output, verbatim in text output
 *   {{item.name}}         a dotted path through own properties
 *   {{#items}}..{{/items}} repeated per list element; shown once for any other truthy value
 *   {{^items}}..{{/items}} shown only when the value is missing, false, empty or zero
 *   {{! a comment }}      dropped
 * It never calls functions and only reads own properties of plain objects and arrays, so
 * `{{constructor}}` or `{{__proto__}}` render nothing and a template cannot run code.
 * Templates are compiled once (at start-up), so a broken file fails early, naming file and line.
 */

export class TemplateError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'TemplateError';
    this.file = file;
    this.line = line;
  }
}

export const RenderMode = { html: 'html', text: 'text' } as const;
export type RenderMode = (typeof RenderMode)[keyof typeof RenderMode];

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var'; readonly path: readonly string[] }
  | {
      readonly kind: 'section';
      readonly path: readonly string[];
      readonly inverted: boolean;
      readonly children: readonly Node[];
    };

export interface Template {
  readonly file: string;
  readonly nodes: readonly Node[];
}

const NAME = /^(?:\.|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;

interface Tag {
  readonly sigil: '' | '#' | '^' | '/' | '!';
  readonly name: string;
  readonly line: number;
}

interface OpenSection {
  readonly name: string;
  readonly inverted: boolean;
  readonly line: number;
  readonly nodes: Node[];
}

function lineAt(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

function toPath(name: string): readonly string[] {
  return name === '.' ? [] : name.split('.');
}

/**
 * Splits source into text and tags. A block tag (section, close, comment) alone on its line takes
 * the whole line with it, so text templates do not fill up with blank lines.
 */
function tokenize(source: string, file: string): Array<string | Tag> {
  const out: Array<string | Tag> = [];
  let cursor = 0;
  while (cursor < source.length) {
    const open = source.indexOf('{{', cursor);
    if (open === -1) {
      out.push(source.slice(cursor));
      break;
    }
    const close = source.indexOf('}}', open + 2);
    if (close === -1) {
      throw new TemplateError(file, lineAt(source, open), 'a "{{" is never closed with "}}"');
    }
    const inner = source.slice(open + 2, close).trim();
    const first = inner.charAt(0);
    const sigil = first === '#' || first === '^' || first === '/' || first === '!' ? first : '';
    const name = (sigil ? inner.slice(1) : inner).trim();
    const line = lineAt(source, open);
    if (sigil !== '!' && !NAME.test(name)) {
      throw new TemplateError(file, line, `"{{${inner}}}" is not a placeholder name`);
    }
    let textEnd = open;
    let next = close + 2;
    if (sigil !== '') {
      const lineStart = source.lastIndexOf('\n', open - 1) + 1;
      const newline = source.indexOf('\n', next);
      const lineEnd = newline === -1 ? source.length : newline + 1;
      const before = source.slice(lineStart, open);
      const after = source.slice(next, lineEnd);
      if (lineStart >= cursor && before.trim() === '' && after.trim() === '') {
        textEnd = lineStart;
        next = lineEnd;
      }
    }
    if (textEnd > cursor) out.push(source.slice(cursor, textEnd));
    out.push({ sigil, name, line });
    cursor = next;
  }
  return out;
}

export function compileTemplate(source: string, file: string): Template {
  const root: OpenSection = { name: '', inverted: false, line: 0, nodes: [] };
  const stack: OpenSection[] = [root];
  const top = (): OpenSection => stack[stack.length - 1] ?? root;
  for (const token of tokenize(source, file)) {
    if (typeof token === 'string') {
      top().nodes.push({ kind: 'text', text: token });
      continue;
    }
    switch (token.sigil) {
      case '!':
        break;
      case '':
        top().nodes.push({ kind: 'var', path: toPath(token.name) });
        break;
      case '#':
      case '^':
        stack.push({
          name: token.name,
          inverted: token.sigil === '^',
          line: token.line,
          nodes: [],
        });
        break;
      case '/': {
        const section = top();
        if (section === root) {
          throw new TemplateError(file, token.line, `{{/${token.name}}} closes nothing`);
        }
        if (section.name !== token.name) {
          throw new TemplateError(
            file,
            token.line,
            `{{/${token.name}}} closes {{${section.inverted ? '^' : '#'}${section.name}}} opened on line ${section.line}`,
          );
        }
        stack.pop();
        top().nodes.push({
          kind: 'section',
          path: toPath(section.name),
          inverted: section.inverted,
          children: section.nodes,
        });
        break;
      }
    }
  }
  const unclosed = top();
  if (unclosed !== root) {
    throw new TemplateError(
      file,
      unclosed.line,
      `{{${unclosed.inverted ? '^' : '#'}${unclosed.name}}} is never closed with {{/${unclosed.name}}}`,
    );
  }
  return { file, nodes: root.nodes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function own(value: unknown, key: string): unknown {
  // Own properties only: nothing reachable through a prototype (constructor, __proto__, toString).
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function lookup(stack: readonly unknown[], path: readonly string[]): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return stack[stack.length - 1];
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i];
    if (isRecord(frame) && Object.hasOwn(frame, head)) {
      return rest.reduce<unknown>((value, key) => own(value, key), frame[head]);
    }
  }
  return undefined;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

function isFalsy(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === false ||
    value === '' ||
    value === 0 ||
    typeof value === 'function' ||
    (Array.isArray(value) && value.length === 0)
  );
}

function renderNodes(nodes: readonly Node[], stack: unknown[], mode: RenderMode): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'var': {
        const text = scalar(lookup(stack, node.path));
        out += mode === 'html' ? escapeHtml(text) : text;
        break;
      }
      case 'section': {
        const value = lookup(stack, node.path);
        if (node.inverted) {
          if (isFalsy(value)) out += renderNodes(node.children, stack, mode);
        } else if (Array.isArray(value)) {
          for (const element of value) out += renderNodes(node.children, [...stack, element], mode);
        } else if (!isFalsy(value)) {
          out += renderNodes(node.children, [...stack, value], mode);
        }
        break;
      }
    }
  }
  return out;
}

export function renderTemplate(template: Template, view: unknown, mode: RenderMode): string {
  return renderNodes(template.nodes, [view], mode);
}
