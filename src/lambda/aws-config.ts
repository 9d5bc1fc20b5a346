/**
 * The store settings of a function, parsed from its environment as the local runtime parses them.
 * Apart from aws-env.ts because the parser brings the event schemas (zod) with it, and the
 * functions that need no store settings (ses-feedback, rearm) should not load them.
 */
import { type Config, parseConfig } from '../app/config.ts';
import { type Env, optional } from './aws-env.ts';

/** With CR_PUBLIC_URL from the request when the stack sets none (the http function). */
export function configFor(env: Env, publicUrl: string | undefined): Config {
  const url = publicUrl ?? optional(env, 'CR_PUBLIC_URL');
  return parseConfig({ ...env, ...(url === undefined ? {} : { CR_PUBLIC_URL: url }) });
}
