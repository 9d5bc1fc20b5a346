/**
 * `GET /schema/events.json`: the JSON Schema of `POST /events`, generated from the very zod schema
 * intake validates with, so the published format cannot drift from the accepted one. Public (it
 * says nothing a store's developer should not know) and cacheable (it changes only with a deploy).
 */
import { Hono } from 'hono';
import * as z from 'zod';
import { eventSchema } from '../domain/events.ts';

export const EVENTS_SCHEMA_PATH = '/schema/events.json';

/**
 * The request side of the schema (`io: 'input'`): what a store may send, before trimming. Rules a
 * JSON Schema cannot say (money places per currency, real time zones, emails, http(s) URLs, no
 * more than 5 minutes ahead) are checked by intake and described in docs/events.md.
 */
export function eventJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(eventSchema, { io: 'input' }),
    title: 'cart-recovery cart event (POST /events)',
    description:
      'One cart change, signed with X-CR-Signature. occurredAt is when the change happened (send now for a live change); see docs/events.md.',
  };
}

export function schemaRoute(): Hono {
  const routes = new Hono();
  const body = JSON.stringify(eventJsonSchema(), null, 2);
  routes.get(EVENTS_SCHEMA_PATH, (c) => {
    c.header('content-type', 'application/schema+json; charset=utf-8');
    c.header('cache-control', 'public, max-age=3600');
    return c.body(body);
  });
  return routes;
}
