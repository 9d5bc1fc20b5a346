/**
 * `cart-recovery rearm` on the embedded default: it walks the SQLite table like the AWS run does
 * and reports the open carts it read, and it changes nothing (each row is its own timer).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

afterEach(() => vi.restoreAllMocks());

describe('cart-recovery rearm (local)', () => {
  it("reads every open cart and each ended one owed its retention wake-up, and leaves each row's due time as it was", async () => {
    const rt = openTestRuntime();
    for (const id of ['c1', 'c2', 'c3']) {
      const occurredAt = new Date(rt.clock.now()).toISOString();
      await rt.post(cartEvent({ id: `evt_${id}`, occurredAt, cart: { id } }));
    }
    await rt.post(
      cartEvent({
        id: 'evt_c3_done',
        type: 'cart.checked_out',
        occurredAt: new Date(rt.clock.now() + 1000).toISOString(),
        cart: { id: 'c3' },
        orderId: 'o_3',
      }),
    );
    const before = await Promise.all(['c1', 'c2', 'c3'].map((id) => rt.store.get(id)));
    // The bought cart keeps one wake-up: the end of CR_RETAIN_CARTS, when its data goes.
    expect(before[2]?.wakeAt).not.toBeNull();
    await rt.shutdown(false);

    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const env = {
      CR_DATA_DIR: rt.dataDir,
      CR_WEBHOOK_SECRET: RT_SECRET,
      CR_OWNERS: `sam:${RT_OWNER}`,
    };
    expect(await main(['rearm', '--json'], env)).toBe(0);
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report).toMatchObject({ open: 2, ended: 1, armed: 3, idle: 0, next: null });
    expect(stdout).toContain('nothing needed re-arming');

    const again = openTestRuntime({}, undefined, rt.dataDir);
    const after = await Promise.all(['c1', 'c2', 'c3'].map((id) => again.store.get(id)));
    expect(after.map((c) => c?.wakeAt)).toEqual(before.map((c) => c?.wakeAt));
    await again.shutdown();
  });
});
