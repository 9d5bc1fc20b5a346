/**
 * The compiling half of the email template language (see template.ts): source text to nodes,
 * with `{{> name}}` partials pasted in, and every mistake reported as file:line.
 */
import { TemplateError } from './template-error.ts';

export { type IncludeSite, TemplateError } from './template-error.ts';

/**
 * A partial's raw source and the file it came from (errors name it). Partials are resolved and
 * pasted in when the including file is compiled, so rendering never looks anything up; the escaping
 * mode is chosen at render time, so a partial is escaped exactly like the file that includes it.
 */
export interface PartialSource {
  readonly file: string;
  readonly source: string;
}
export type Partials = ReadonlyMap<string, PartialSource>;

const NO_PARTIALS: Partials = new Map();

export type Node =
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
// Also a file name (partials/<name>.html), so no dots or slashes: it cannot leave the folder.
const PARTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

type Sigil = '' | '#' | '^' | '/' | '!' | '>';

interface Tag {
  readonly sigil: Sigil;
  readonly name: string;
  readonly line: number;
  /** Leading whitespace of a standalone `{{> name}}` line, given to every line of the partial. */
  readonly indent: string;
}

function sigilOf(first: string): Sigil {
  return first === '#' || first === '^' || first === '/' || first === '!' || first === '>'
    ? first
    : '';
}

function nameProblem(sigil: Sigil, name: string, inner: string): string | null {
  if (sigil === '!') return null;
  if (sigil === '>') return PARTIAL_NAME.test(name) ? null : `"{{${inner}}}" is not a partial name`;
  return NAME.test(name) ? null : `"{{${inner}}}" is not a placeholder name`;
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
 * Splits source into text and tags. A block tag (section, close, comment, partial) alone on its
 * line takes the whole line with it, so text templates do not fill up with blank lines. A tag with
 * a bad name is left out and kept in `problems`, so every such mistake in a file is reported.
 */
function tokenize(source: string, file: string, problems: TemplateError[]): Array<string | Tag> {
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
    const sigil = sigilOf(inner.charAt(0));
    const name = (sigil ? inner.slice(1) : inner).trim();
    const line = lineAt(source, open);
    const problem = nameProblem(sigil, name, inner);
    if (problem !== null) {
      problems.push(new TemplateError(file, line, problem));
      out.push(source.slice(cursor, open));
      cursor = close + 2;
      continue;
    }
    let textEnd = open;
    let next = close + 2;
    let indent = '';
    if (sigil !== '') {
      const lineStart = source.lastIndexOf('\n', open - 1) + 1;
      const newline = source.indexOf('\n', next);
      const lineEnd = newline === -1 ? source.length : newline + 1;
      const before = source.slice(lineStart, open);
      const after = source.slice(next, lineEnd);
      if (lineStart >= cursor && before.trim() === '' && after.trim() === '') {
        textEnd = lineStart;
        next = lineEnd;
        if (sigil === '>') indent = before;
      }
    }
    if (textEnd > cursor) out.push(source.slice(cursor, textEnd));
    out.push({ sigil, name, line, indent });
    cursor = next;
  }
  return out;
}

interface CompileContext {
  readonly partials: Partials;
  /** Names of the partials being compiled around this point, outermost first. */
  readonly active: readonly string[];
  /** Compiled partials by name and indent, shared by every inclusion (nodes are immutable). */
  readonly done: Map<string, readonly Node[]>;
  /** Mistakes found so far that did not stop the compile (bad tag names). */
  readonly problems: TemplateError[];
}

function indentLines(source: string, indent: string): string {
  return indent === '' ? source : source.replace(/(^|\n)(?=[^\r\n])/g, `$1${indent}`);
}

function knownPartials(partials: Partials): string {
  const names = [...partials.keys()].sort();
  return names.length === 0 ? 'there are no partials' : `known: ${names.join(', ')}`;
}

function includePartial(tag: Tag, file: string, context: CompileContext): readonly Node[] {
  const partial = context.partials.get(tag.name);
  if (partial === undefined) {
    const problem = `{{> ${tag.name}}} names no partial (${knownPartials(context.partials)})`;
    throw new TemplateError(file, tag.line, problem);
  }
  if (context.active.includes(tag.name)) {
    const loop = [...context.active, tag.name].join(' > ');
    throw new TemplateError(
      file,
      tag.line,
      `{{> ${tag.name}}} includes a partial in itself: ${loop}`,
    );
  }
  // A partial that compiled once reaches no loop from anywhere, so its nodes can be reused.
  const key = `${tag.name}\n${tag.indent}`;
  const done = context.done.get(key);
  if (done !== undefined) return done;
  const inPartial: TemplateError[] = [];
  const site = { file, line: tag.line };
  try {
    const nodes = compileNodes(indentLines(partial.source, tag.indent), partial.file, {
      ...context,
      active: [...context.active, tag.name],
      problems: inPartial,
    });
    context.done.set(key, nodes);
    return nodes;
  } catch (error) {
    if (error instanceof TemplateError) throw error.includedAt(site);
    throw error;
  } finally {
    context.problems.push(...inPartial.map((problem) => problem.includedAt(site)));
  }
}

function compileNodes(source: string, file: string, context: CompileContext): readonly Node[] {
  const root: OpenSection = { name: '', inverted: false, line: 0, nodes: [] };
  const stack: OpenSection[] = [root];
  const top = (): OpenSection => stack[stack.length - 1] ?? root;
  for (const token of tokenize(source, file, context.problems)) {
    if (typeof token === 'string') {
      top().nodes.push({ kind: 'text', text: token });
      continue;
    }
    switch (token.sigil) {
      case '!':
        break;
      case '>':
        top().nodes.push(...includePartial(token, file, context));
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
  return root.nodes;
}

/** Compiles a file once; `{{> name}}` tags are filled in from `partials` here, not at render. */
export function compileTemplate(
  source: string,
  file: string,
  partials: Partials = NO_PARTIALS,
): Template {
  const problems: TemplateError[] = [];
  let nodes: readonly Node[] = [];
  try {
    nodes = compileNodes(source, file, { partials, active: [], done: new Map(), problems });
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    problems.push(error);
  }
  const [first, ...others] = problems;
  if (first !== undefined) {
    throw new TemplateError(first.file, first.line, first.problem, {
      includedFrom: first.includedFrom,
      cause: first.cause,
      others,
    });
  }
  return { file, nodes };
}
