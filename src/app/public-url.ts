/** The CR_PUBLIC_URL rule of parseConfig: links in real mail must be https and reachable. */
import type { Config } from './config.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Links in reminders are built on CR_PUBLIC_URL. RFC 8058 one-click unsubscribe needs https, so
 * plain http to a real host is refused once real mail is configured (and only warned about with
 * the outbox); a localhost URL with real mail would send links nobody can open.
 */
export function publicUrlRule(
  publicUrl: string,
  mail: Config['mail'],
  problems: string[],
): string[] {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return [];
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  const realMail = mail.kind !== 'outbox';
  if (url.protocol === 'http:' && !loopback) {
    const problem = `CR_PUBLIC_URL: "${publicUrl}" is plain http; unsubscribe links need https (RFC 8058 one-click), e.g. https://${url.host}`;
    if (realMail) problems.push(problem);
    else return [`${problem}; accepted only because mail goes to the outbox`];
  }
  if (loopback && realMail) {
    return [
      `CR_PUBLIC_URL is ${publicUrl} but CR_MAIL sends real mail: the links in reminders would point at localhost; set CR_PUBLIC_URL to this service's public https address`,
    ];
  }
  return [];
}
