import { describe, expect, it } from 'vitest';
import { blockedBy, parseSesNotification } from './ses-feedback.ts';

const mail = {
  timestamp: '2026-11-23T09:00:00.000Z',
  source: 'hello@shop.example',
  messageId: '0102018c-abc',
  destination: ['Sam@Example.com'],
  headersTruncated: false,
};

const permanentBounce = {
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [
      {
        emailAddress: 'Sam@Example.com',
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      },
    ],
    timestamp: '2026-11-23T09:00:02.000Z',
    feedbackId: '0102018c-feedback',
    reportingMTA: 'dsn; a1-2.smtp-out.eu-west-1.amazonses.com',
  },
  mail,
};

const transientBounce = {
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Transient',
    bounceSubType: 'MailboxFull',
    bouncedRecipients: [{ emailAddress: 'pat@example.com', status: '4.2.2' }],
    timestamp: '2026-11-23T09:00:02.000Z',
    feedbackId: 'f2',
  },
  mail,
};

const complaint = {
  notificationType: 'Complaint',
  complaint: {
    complainedRecipients: [
      { emailAddress: '"Sam" <SAM@example.com>' },
      { emailAddress: 'sam@example.com' },
    ],
    timestamp: '2026-11-23T10:00:00.000Z',
    feedbackId: 'f3',
    userAgent: 'Yahoo!-Mail-Feedback/2.0',
    complaintFeedbackType: 'abuse',
  },
  mail,
};

/** How SNS wraps it when the Lambda (or an HTTPS subscriber) receives the whole envelope. */
const envelope = (message: unknown) => ({
  Type: 'Notification',
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:cr-ses-feedback',
  Message: JSON.stringify(message),
  Timestamp: '2026-11-23T09:00:03.000Z',
});

describe('parseSesNotification', () => {
  it('reads a permanent bounce with the normalised address, and it blocks', () => {
    const feedback = parseSesNotification(JSON.stringify(permanentBounce));
    expect(feedback).toEqual({ kind: 'bounce', permanent: true, emails: ['sam@example.com'] });
    expect(blockedBy(feedback)).toEqual({ kind: 'bounced', emails: ['sam@example.com'] });
  });

  it('reads a transient bounce, which does not block', () => {
    const feedback = parseSesNotification(JSON.stringify(transientBounce));
    expect(feedback).toEqual({ kind: 'bounce', permanent: false, emails: ['pat@example.com'] });
    expect(blockedBy(feedback)).toBeNull();
  });

  it('reads a complaint, de-duplicating addresses written two ways, and it blocks', () => {
    const feedback = parseSesNotification(JSON.stringify(complaint));
    expect(feedback).toEqual({ kind: 'complaint', emails: ['sam@example.com'] });
    expect(blockedBy(feedback)).toEqual({ kind: 'complained', emails: ['sam@example.com'] });
  });

  it('reads configuration-set events (eventType) the same way', () => {
    const { notificationType: _, ...rest } = permanentBounce;
    expect(parseSesNotification({ eventType: 'Bounce', ...rest })).toMatchObject({
      kind: 'bounce',
      permanent: true,
    });
    const { notificationType: __, ...complaintRest } = complaint;
    expect(parseSesNotification({ eventType: 'Complaint', ...complaintRest })).toMatchObject({
      kind: 'complaint',
    });
    expect(parseSesNotification({ eventType: 'Open', open: {}, mail })).toEqual({ kind: 'other' });
    expect(parseSesNotification({ eventType: 'Delivery', delivery: {}, mail })).toEqual({
      kind: 'delivery',
    });
  });

  it('unwraps a whole SNS envelope, as a string or an object', () => {
    expect(parseSesNotification(envelope(complaint))).toMatchObject({ kind: 'complaint' });
    expect(parseSesNotification(JSON.stringify(envelope(transientBounce)))).toMatchObject({
      permanent: false,
    });
  });

  it('reads a delivery as nothing to do', () => {
    const delivery = {
      notificationType: 'Delivery',
      delivery: { recipients: ['sam@example.com'] },
      mail,
    };
    const feedback = parseSesNotification(JSON.stringify(delivery));
    expect(feedback).toEqual({ kind: 'delivery' });
    expect(blockedBy(feedback)).toBeNull();
  });

  it.each([
    ['not JSON', '{"notificationType":', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['no type', JSON.stringify({ mail }), /notificationType/],
    [
      'a bounce without recipients',
      JSON.stringify({ notificationType: 'Bounce', bounce: { bounceType: 'Permanent' } }),
      /no valid recipient/,
    ],
    [
      'a bounce with only garbage addresses',
      JSON.stringify({
        notificationType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bouncedRecipients: [{ emailAddress: 'not an address' }],
        },
      }),
      /no valid recipient/,
    ],
    [
      'a complaint without its object',
      JSON.stringify({ notificationType: 'Complaint' }),
      /without a complaint/,
    ],
  ])('says what is wrong with %s', (_name, input, problem) => {
    const feedback = parseSesNotification(input);
    expect(feedback.kind).toBe('invalid');
    if (feedback.kind === 'invalid') expect(feedback.problem).toMatch(problem);
  });
});
