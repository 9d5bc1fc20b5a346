/** A mistake in an email template, as file:line: problem, with the partials that led to it. */

/** Where a partial was included: the including file and the line of its `{{> name}}` tag. */
export interface IncludeSite {
  readonly file: string;
  readonly line: number;
}

function describeSites(sites: readonly IncludeSite[]): string {
  if (sites.length === 0) return '';
  return ` (included from ${sites.map((s) => `${s.file}:${s.line}`).join(', from ')})`;
}

export class TemplateError extends Error {
  /** The file with the mistake: a partial's own file when the mistake is inside a partial. */
  readonly file: string;
  readonly line: number;
  readonly problem: string;
  /** The chain of `{{> ...}}` tags that led to `file`, nearest first; empty for a top-level file. */
  readonly includedFrom: readonly IncludeSite[];
  /** The other mistakes found in the same compile, so an owner can fix them all in one go. */
  readonly others: readonly TemplateError[];
  constructor(
    file: string,
    line: number,
    problem: string,
    options: {
      readonly includedFrom?: readonly IncludeSite[];
      readonly cause?: unknown;
      readonly others?: readonly TemplateError[];
    } = {},
  ) {
    const includedFrom = options.includedFrom ?? [];
    super(`${file}:${line}: ${problem}${describeSites(includedFrom)}`, { cause: options.cause });
    this.name = 'TemplateError';
    this.file = file;
    this.line = line;
    this.problem = problem;
    this.includedFrom = includedFrom;
    this.others = options.others ?? [];
  }

  /** This mistake and the others, each once, in the order they were found. */
  all(): readonly TemplateError[] {
    return [this, ...this.others];
  }

  /** The same mistake as seen from the file that included the one it is in. */
  includedAt(site: IncludeSite): TemplateError {
    return new TemplateError(this.file, this.line, this.problem, {
      includedFrom: [...this.includedFrom, site],
      cause: this,
    });
  }
}
