/**
 * Builds reminder `step` for a cart: the copy from the owner's templates, and the two signed links
 * every reminder carries (the cart click-through and the one-click unsubscribe). One place, so
 * the local process and the Lambdas cannot drift apart.
 */
import type { Cart } from '../domain/cart.ts';
import { buildReminder, type Templates } from '../domain/copy.ts';
import { type LinkSigner, restoreTarget } from '../domain/link-tokens.ts';
import type { OutgoingEmail } from '../ports/mailer.ts';

export interface ReminderComposerDeps {
  readonly links: LinkSigner;
  readonly templates: () => Templates;
  readonly publicUrl: string;
  readonly storeName: string;
  readonly storeAddress: string;
  readonly from: string;
}

export function createReminderComposer(deps: ReminderComposerDeps) {
  const messageIdDomain = new URL(deps.publicUrl).hostname;
  return function compose(cart: Cart, step: number): OutgoingEmail {
    const { links, publicUrl } = deps;
    const unsubscribe = links.sign({
      purpose: 'unsubscribe',
      email: cart.email ?? '',
      cartId: cart.id,
    });
    // The click link is pinned to the restore link this email is sent with: a later change of
    // the cart's restoreUrl cannot re-point it (a cart with none pins the empty link, which no
    // cart link ever matches, so it lands on the store page).
    const click = links.sign({
      purpose: 'click',
      cartId: cart.id,
      step,
      target: restoreTarget(cart.restoreUrl ?? ''),
    });
    return buildReminder({
      cart,
      step,
      templates: deps.templates(),
      links: {
        cart: `${publicUrl}/c?t=${click}`,
        unsubscribe: `${publicUrl}/unsubscribe?t=${unsubscribe}`,
      },
      store: { name: deps.storeName, address: deps.storeAddress },
      from: deps.from,
      messageIdDomain,
    });
  };
}
