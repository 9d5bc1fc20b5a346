/** Validation issues as the `details` of a 400: each names its field the way a reader writes it. */

export interface FieldProblem {
  readonly path: string;
  readonly problem: string;
}

/** `cart.items[2].price`: dots between names, brackets around indexes. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/** zod's issues (or any with a path and a message), one problem each; the body itself is "(body)". */
export function fieldProblems(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
): FieldProblem[] {
  return issues.map((issue) => ({
    path: fieldPath(issue.path) || '(body)',
    problem: issue.message,
  }));
}
