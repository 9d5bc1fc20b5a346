/**
 * The Mailer contract over SES: its stand-in (aws-sdk-client-mock) takes SendEmail as SES does
 * and keeps the raw MIME, which is parsed back as the other mailers' far sides are.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { createSesMailer } from '../../src/adapters/ses/ses-mailer.ts';
import { type ParsedMessage, runMailerContract } from './mailer.contract.ts';
import { parseMime } from './mime-parse.ts';

const ses = mockClient(SESv2Client);

runMailerContract({
  name: 'SES (SendEmail raw MIME, over its stand-in)',
  async make() {
    ses.reset();
    const received: ParsedMessage[] = [];
    ses.on(SendEmailCommand).callsFake((input: SendEmailCommand['input']) => {
      const raw = input.Content?.Raw?.Data;
      if (raw === undefined) throw new Error('SendEmail without raw content');
      received.push(parseMime(Buffer.from(raw), input.Destination?.ToAddresses ?? []));
      return { MessageId: `0100-${received.length}`, $metadata: {} };
    });
    return {
      mailer: createSesMailer({
        client: new SESv2Client({ region: 'eu-west-1' }),
        clock: { now: () => Date.UTC(2026, 10, 23, 9) },
      }),
      received: async () => [...received],
      close: async () => void ses.reset(),
    };
  },
});
