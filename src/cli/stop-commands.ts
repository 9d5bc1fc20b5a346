/** `suppress`, `unsubscribe`, `write-off` and `audit` from the command line: the owner's tools. */
import type { Config } from '../app/config.ts';
import { toCartView } from '../domain/cart-view.ts';
import { normaliseEmail } from '../domain/email.ts';
import { describeEntry, whenText } from '../domain/story.ts';
import { type ParsedArgs, requireFlag, UsageError } from './args.ts';
import { openLocalRuntime } from './local-runtime.ts';

export async function runStop(
  command: 'suppress' | 'unsubscribe' | 'write-off',
  args: ParsedArgs,
  config: Config,
  log: (line: string) => void,
): Promise<number> {
  const target = args.positionals[0];
  if (target === undefined) {
    throw new UsageError(
      `${command} needs ${command === 'unsubscribe' ? 'an EMAIL' : 'a CART id'}`,
    );
  }
  const by = requireFlag(args, 'by', 'sam');
  const runtime = openLocalRuntime(config, { lock: command });
  try {
    if (command === 'unsubscribe') {
      const email = normaliseEmail(target);
      if (!email.ok) throw new UsageError(`"${target}" ${email.problem}`);
      const result = await runtime.stops.unsubscribe(email.email, by);
      log(
        result.kind === 'unsubscribed'
          ? `${email.email} unsubscribed by ${by}`
          : `${email.email} was already unsubscribed`,
      );
      return 0;
    }
    const result =
      command === 'suppress'
        ? await runtime.stops.suppress(target, by)
        : await runtime.stops.writeOff(target, by, requireFlag(args, 'reason', '"test order"'));
    switch (result.kind) {
      case 'not_found':
        log(`no cart ${target}`);
        return 1;
      case 'already_final':
        log(
          `cart ${target} is already ${result.cart.status}${result.cart.closedReason ? ` (${result.cart.closedReason})` : ''}; nothing changed`,
        );
        return 0;
      case 'stopped':
        log(`cart ${target} ${command === 'suppress' ? 'suppressed' : 'written off'} by ${by}`);
        return 0;
    }
  } finally {
    await runtime.close();
  }
}

export async function runAudit(
  args: ParsedArgs,
  config: Config,
  log: (line: string) => void,
): Promise<number> {
  const cartId = args.positionals[0];
  if (cartId === undefined) throw new UsageError('audit needs a CART id');
  const runtime = openLocalRuntime(config);
  try {
    const cart = await runtime.store.get(cartId);
    if (cart === null) {
      log(`no cart ${cartId}`);
      return 1;
    }
    const rows = await runtime.store.auditFor(cartId);
    if (args.flags.get('json') === true) {
      log(JSON.stringify({ cart: toCartView(cart), audit: rows }, null, 2));
      return 0;
    }
    const zone = config.policy.storeTimeZone;
    log(
      `cart ${cart.id} (${cart.email ?? 'no email'}): ${cart.status}${cart.closedReason ? `, ${cart.closedReason}` : ''}; ${cart.remindersSent} reminder(s) sent`,
    );
    if (cart.wakeAt !== null) {
      const minutes = Math.round((cart.wakeAt - runtime.clock.now()) / 60_000);
      const from = minutes >= 0 ? `in ${minutes} min` : `${-minutes} min ago`;
      // A final cart's one wake-up is not a reminder: it is when its data goes (CR_RETAIN_CARTS).
      const what = cart.status === 'open' ? 'next wake-up' : 'shopper data kept until';
      log(`  ${what} ${whenText(cart.wakeAt, zone)} (${zone}, ${from})`);
    }
    if (rows.length === 0) log('  no stops or sends yet');
    // The shopper's zone, so a quiet-hours hold says until when in the time that decided it.
    const story = { shopperZone: cart.timezone };
    for (const row of rows) log(`  ${describeEntry(row, zone, story)}`);
    return 0;
  } finally {
    await runtime.close();
  }
}
