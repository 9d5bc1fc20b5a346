/**
 * The `skip` option every contract suite takes: an adapter that cannot do something names the
 * tests it skips and says why. Skipped tests still show (as skipped, the reason in the title), a
 * line is printed for each, and naming a test the suite does not have fails the suite, so a
 * renamed test cannot turn a skip into silence.
 */
import { afterAll, it } from 'vitest';

export interface ContractSkip {
  readonly reason: string;
  /** Test names exactly as the suite declares them. */
  readonly tests: readonly string[];
}

export type ContractTest = (name: string, fn: () => Promise<void> | void, timeout?: number) => void;

/** The reason a test is skipped for, or null when it runs. */
export function skipReason(skip: readonly ContractSkip[], name: string): string | null {
  return skip.find((entry) => entry.tests.includes(name))?.reason ?? null;
}

/** Names the skip list has that the suite never declared. */
export function unknownSkips(skip: readonly ContractSkip[], declared: ReadonlySet<string>) {
  return skip.flatMap((entry) => entry.tests.filter((name) => !declared.has(name)));
}

/**
 * An `it` for one suite run (call inside its describe). Each test it declares runs, unless
 * `skip` names it; after the suite, a skip naming no declared test fails it.
 */
export function contractTest(suite: string, skip: readonly ContractSkip[] = []): ContractTest {
  const declared = new Set<string>();
  afterAll(() => {
    const unknown = unknownSkips(skip, declared);
    if (unknown.length > 0) {
      throw new Error(`${suite}: skip names tests the suite does not have: ${unknown.join('; ')}`);
    }
  });
  return (name, fn, timeout) => {
    declared.add(name);
    const reason = skipReason(skip, name);
    if (reason === null) {
      it(name, fn, timeout);
      return;
    }
    console.warn(`[contract] ${suite}: skips "${name}": ${reason}`);
    it.skipIf(true)(`${name} (skipped: ${reason})`, fn, timeout);
  };
}
