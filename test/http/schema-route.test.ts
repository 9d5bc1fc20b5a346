/**
 * GET /schema/events.json is the zod schema intake validates with, and docs/events.md lists exactly
 * its fields: neither can drift from what POST /events accepts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventSchema } from '../../src/domain/events.ts';
import { makeTestApp } from '../support/test-app.ts';

const testApp = makeTestApp();
afterAll(() => testApp.close());

interface ObjectSchema {
  properties: Record<string, unknown>;
  required?: string[];
}

async function served() {
  const res = await testApp.app.request('/schema/events.json');
  return { res, schema: (await res.json()) as Record<string, unknown> };
}

/** The object schemas of the event, its cart and one item, as the generator writes them. */
function objects(schema: Record<string, unknown>) {
  const event = schema as unknown as ObjectSchema;
  const cart = event.properties.cart as ObjectSchema;
  const item = (cart.properties.items as { items: ObjectSchema }).items;
  return { event, cart, item };
}

const DOC = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');

/** The rows of the field table after `heading`: field name and its "required" cell. */
function docTable(heading: string): Map<string, string> {
  const start = DOC.indexOf(heading);
  expect(start, `docs/events.md has "${heading}"`).toBeGreaterThan(-1);
  const rows = new Map<string, string>();
  for (const line of DOC.slice(start).split('\n').slice(1)) {
    if (line.trim() === '') {
      if (rows.size > 0) break;
      continue;
    }
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([A-Za-z]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name !== undefined) rows.set(name, cells[3] ?? '');
  }
  return rows;
}

describe('GET /schema/events.json', () => {
  it('is public, cacheable JSON Schema', async () => {
    const { res } = await served();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
  });

  it('is exactly the schema generated from the zod event schema, plus a title', async () => {
    const { schema } = await served();
    const { title, description, ...generated } = schema;
    expect(generated).toEqual(z.toJSONSchema(eventSchema, { io: 'input' }));
    expect(title).toContain('POST /events');
    expect(description).toContain('occurredAt');
  });

  it('refuses unknown keys at every level, as intake does', async () => {
    const { event, cart, item } = objects((await served()).schema);
    for (const level of [event, cart, item]) {
      expect((level as { additionalProperties?: unknown }).additionalProperties).toBe(false);
    }
  });
});

describe('docs/events.md', () => {
  const tables = {
    event: docTable('Top level (the event):'),
    cart: docTable('The cart:'),
    item: docTable('Each item of `cart.items`:'),
  };

  it.each(['event', 'cart', 'item'] as const)(
    'lists every %s field of the schema, and no other, with whether it is required',
    async (level) => {
      const object = objects((await served()).schema)[level];
      const documented = tables[level];
      expect([...documented.keys()].sort()).toEqual(Object.keys(object.properties).sort());
      for (const [name, required] of documented) {
        expect(required, `${level}.${name}`).toBe(
          (object.required ?? []).includes(name) ? 'yes' : 'no',
        );
      }
    },
  );

  it('says occurredAt is when the change happened and that old events are let go', () => {
    expect(DOC).toContain('`occurredAt` is when the change happened');
    expect(DOC).toMatch(/let go at once as expired/);
    // Examples stamp the body with date, never a fixed time a later reader would send stale.
    expect(DOC).not.toMatch(/"occurredAt":"\d{4}-/);
    expect(DOC).toContain('date -u +%Y-%m-%dT%H:%M:%SZ');
  });
});
