/**
 * SQLite's errors (better-sqlite3's SqliteError, with SQLITE_FULL, SQLITE_IOERR_WRITE, ... on
 * `code`) translated into the port's fault error at the adapter's edge, the original kept as
 * `cause` and its code copied, so the 503 on a full disk keys on the port's error.
 */
import { isPortFault, type PortFaultError } from '../../ports/fault.ts';

type FaultOf = (message: string, options: ErrorOptions) => PortFaultError;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The port's fault for a SQLite failure of `what` (a method name): one line, what and where. */
export function sqliteFault(fault: FaultOf, what: string, error: unknown): PortFaultError {
  const detail = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return fault(`SQLite ${what} failed: ${code === '' ? '' : `${code}: `}${detail}`, {
    cause: error,
  });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';
}

async function* translatedIterable<T>(
  source: AsyncIterable<T>,
  translate: (error: unknown) => PortFaultError,
): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw translate(error);
  }
}

/**
 * The same port object with every method's failures translated: a rejected promise, a throw, or
 * a throw mid-iteration of a returned async iterable. Errors that already are port faults (and
 * the values an outcome union returns) pass through untouched.
 */
export function withSqliteFaults<T extends object>(port: T, fault: FaultOf): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(port)) {
    if (typeof member !== 'function') {
      wrapped[name] = member;
      continue;
    }
    const translate = (error: unknown) =>
      isPortFault(error) ? error : sqliteFault(fault, name, error);
    wrapped[name] = (...args: unknown[]) => {
      let result: unknown;
      try {
        result = member.apply(port, args);
      } catch (error) {
        throw translate(error);
      }
      if (result instanceof Promise)
        return result.catch((error: unknown) => Promise.reject(translate(error)));
      if (isAsyncIterable(result)) return translatedIterable(result, translate);
      return result;
    };
  }
  return wrapped as T;
}
