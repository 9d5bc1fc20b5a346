/**
 * The mailer of a function on SES (waiter, monthly summary; http only for a sender-health
 * notice), through the configuration set whose feedback reaches ses-feedback. The only module of
 * src/lambda/ that loads the SES client.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createSesMailer } from '../adapters/ses/ses-mailer.ts';
import type { Mailer } from '../ports/mailer.ts';
import { clockOf, type Env, once, optional, type PartOptions, withUsage } from './aws-env.ts';

export function sesMailer(env: Env, options: PartOptions = {}): () => Mailer {
  return once(() => {
    const configurationSet = optional(env, 'CR_SES_CONFIGURATION_SET');
    return createSesMailer({
      client: options.clients?.ses ?? new SESv2Client({}),
      ...(configurationSet === undefined ? {} : { configurationSet }),
      clock: clockOf(options),
      ...withUsage(options.usage),
    });
  });
}
