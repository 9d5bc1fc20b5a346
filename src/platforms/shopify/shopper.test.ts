/** What a Shopify payload says about the shopper: marketing consent, and the address. */
import { describe, expect, it } from 'vitest';
import {
  eventOf,
  fixture,
  input,
  type Json,
  problemsOf,
} from '../../../test/fixtures/shopify/load.ts';
import { mapShopifyWebhook } from './mapping.ts';
import { consentOf } from './payload.ts';

const withCustomer = (name: string, customer: Json | null, patch: Json = {}): Json => ({
  ...fixture(name),
  ...patch,
  customer,
});
type Customer = Parameters<typeof consentOf>[0]['customer'];
const record = (state: string) => ({
  state,
  opt_in_level: 'single_opt_in',
  consent_updated_at: null,
});

describe('consent: the customer’s email consent record, else buyer_accepts_marketing', () => {
  it.each([
    // state, buyer_accepts_marketing, consent
    ['subscribed', false, true],
    ['subscribed', null, true],
    ['not_subscribed', true, false],
    ['unsubscribed', true, false],
    ['pending', true, false],
    ['redacted', true, false],
    ['invalid', true, false],
    ['SUBSCRIBED', false, true],
    [' Unsubscribed ', true, false],
    ['a_state_shopify_adds_later', true, false],
  ] as const)('state %j with buyer_accepts_marketing %j is %j', (state, accepts, consent) => {
    const raw = {
      buyer_accepts_marketing: accepts,
      customer: { email_marketing_consent: record(state) },
    };
    expect(consentOf(raw)).toBe(consent);
  });

  it.each<[string, Customer]>([
    ['no customer', null],
    ['no record', {}],
    ['a null record', { email_marketing_consent: null }],
    ['a record without a state', { email_marketing_consent: { opt_in_level: null } }],
    ['a blank state', { email_marketing_consent: record('') }],
  ])('falls back to buyer_accepts_marketing with %s', (_label, customer) => {
    expect(consentOf({ buyer_accepts_marketing: true, customer })).toBe(true);
    expect(consentOf({ buyer_accepts_marketing: false, customer })).toBe(false);
    expect(consentOf({ buyer_accepts_marketing: null, customer })).toBeNull();
    expect(consentOf({ customer })).toBeNull();
  });

  it('reads the record on checkouts and orders alike', () => {
    const pending = { email: 'ana@example.com', email_marketing_consent: record('pending') };
    const subscribed = { email: 'ana@example.com', email_marketing_consent: record('subscribed') };
    const accepts = { buyer_accepts_marketing: true };
    const denies = { buyer_accepts_marketing: false };
    const consent = (topic: string, body: Json) =>
      eventOf(mapShopifyWebhook(input(topic, body))).cart.consent;
    expect(consent('checkouts/update', withCustomer('checkouts-update', pending, accepts))).toBe(
      false,
    );
    expect(consent('checkouts/create', withCustomer('checkouts-create', subscribed, denies))).toBe(
      true,
    );
    expect(consent('orders/create', withCustomer('orders-create', pending, accepts))).toBe(false);
    expect(consent('orders/create', withCustomer('orders-create', null, denies))).toBe(false);
  });

  it('names a record that is not one', () => {
    const body = withCustomer('checkouts-update', { email_marketing_consent: 'yes' });
    expect(problemsOf(mapShopifyWebhook(input('checkouts/update', body)))).toEqual([
      'customer.email_marketing_consent',
    ]);
    const state = withCustomer('checkouts-update', { email_marketing_consent: { state: true } });
    expect(problemsOf(mapShopifyWebhook(input('checkouts/update', state)))).toEqual([
      'customer.email_marketing_consent.state',
    ]);
  });
});

describe('email: Shopify sends "" or null before the shopper types one', () => {
  const email = (topic: string, body: Json) =>
    eventOf(mapShopifyWebhook(input(topic, body))).cart.email;

  it.each([
    ['""', ''],
    ['null', null],
    ['blank', '   '],
  ])('a checkout with email %s and no customer has no address', (_label, value) => {
    expect(
      email('checkouts/create', withCustomer('checkouts-create', null, { email: value })),
    ).toBeNull();
  });

  it('a checkout with no email key at all has no address', () => {
    const body = withCustomer('checkouts-create', null);
    delete body.email;
    expect(email('checkouts/create', body)).toBeNull();
  });

  it('an empty checkout email and an empty customer email are still no address', () => {
    const body = withCustomer('checkouts-update', { email: '' }, { email: '' });
    expect(email('checkouts/update', body)).toBeNull();
  });

  it('takes the customer’s address when the checkout’s is empty', () => {
    const body = withCustomer('checkouts-update', { email: 'Ana@Example.com' }, { email: '' });
    expect(email('checkouts/update', body)).toBe('ana@example.com');
  });

  it('takes an order’s contact_email when its email is empty', () => {
    const body = withCustomer('orders-create', null, {
      email: '',
      contact_email: 'ana@example.com',
    });
    expect(email('orders/create', body)).toBe('ana@example.com');
  });
});
