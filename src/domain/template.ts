/**
 * A tiny logic-less template language for the owner-editable email copy (a subset of Mustache):
 *   {{name}}              the value, HTML-escaped in HTML output, verbatim in text output
 *   {{item.name}}         a dotted path through own properties
 *   {{#items}}..{{/items}} repeated per list element; shown once for any other truthy value
 *   {{^items}}..{{/items}} shown only when the value is missing, false, empty or zero
 *   {{! a comment }}      dropped
 *   {{> footer}}          the partial named footer, pasted in at compile time (see Partials)
 * It never calls functions and only reads own properties of plain objects and arrays, so
 * `{{constructor}}` or `{{__proto__}}` render nothing and a template cannot run code.
 * Templates are compiled once (at start-up), so a broken file fails early, naming file and line.
 */
import type { Node, Template } from './template-compile.ts';

export {
  compileTemplate,
  type IncludeSite,
  type PartialSource,
  type Partials,
  type Template,
  TemplateError,
} from './template-compile.ts';

export const RenderMode = { html: 'html', text: 'text' } as const;
export type RenderMode = (typeof RenderMode)[keyof typeof RenderMode];

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
