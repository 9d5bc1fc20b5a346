import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, newestFirst, type PageKey, pageOf } from './cart-page.ts';

const keys = fc.uniqueArray(
  fc.record({ at: fc.integer({ min: 0, max: 20 }), id: fc.stringMatching(/^c_[a-z0-9]{1,4}$/) }),
  { selector: (k) => k.id, maxLength: 60 },
);

/** Every page from the first by `after` cursors, then back from the last by `before` ones. */
function walkBothWays(sorted: PageKey[], limit: number) {
  const forward: PageKey[][] = [];
  let page = pageOf(sorted, { from: { kind: 'first' }, limit });
  forward.push([...page.rows]);
  // Bounded, so a pager that never says "no more" fails here instead of hanging.
  for (let guard = 0; page.hasNext && guard < 100; guard++) {
    const last = page.rows.at(-1) as PageKey;
    page = pageOf(sorted, { from: { kind: 'after', key: last }, limit });
    forward.push([...page.rows]);
  }
  const backward: PageKey[][] = [[...page.rows]];
  for (let guard = 0; page.hasPrevious && guard < 100; guard++) {
    const first = page.rows[0] as PageKey;
    page = pageOf(sorted, { from: { kind: 'before', key: first }, limit });
    backward.unshift([...page.rows]);
  }
  return { forward, backward };
}

describe('keyset pages', () => {
  it('walk every row once, newest first, and walk back to the same first page', () => {
    fc.assert(
      fc.property(keys, fc.integer({ min: 1, max: 7 }), (list, limit) => {
        const sorted = [...list].sort(newestFirst);
        const { forward, backward } = walkBothWays(sorted, limit);
        expect(forward.flat()).toEqual(sorted);
        expect(forward.every((p, i) => p.length === limit || i === forward.length - 1)).toBe(true);
        expect(backward.flat()).toEqual(sorted);
        expect(backward[0]).toEqual(forward[0]);
      }),
    );
  });

  it('a row arriving after the page was cut lands on a page ahead or behind, never twice', () => {
    fc.assert(
      fc.property(
        keys,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 20 }),
        (list, limit, at) => {
          const sorted = [...list].sort(newestFirst);
          const first = pageOf(sorted, { from: { kind: 'first' }, limit });
          const added = [...sorted, { at, id: 'c_new!' }].sort(newestFirst);
          const shown = [...first.rows];
          let last = first.rows.at(-1);
          let more = first.hasNext;
          while (more && last !== undefined) {
            const page = pageOf(added, { from: { kind: 'after', key: last }, limit });
            shown.push(...page.rows);
            last = page.rows.at(-1) ?? last;
            more = page.hasNext;
          }
          const ids = shown.map((k) => k.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.filter((id) => id !== 'c_new!')).toEqual(sorted.map((k) => k.id));
        },
      ),
    );
  });

  it('round-trips a cursor and refuses text it did not make', () => {
    const key = { at: 1_795_000_000_000, id: 'c_1:shop.example' };
    expect(decodeCursor(encodeCursor({ kind: 'after', key }))).toEqual({ kind: 'after', key });
    expect(decodeCursor(encodeCursor({ kind: 'before', key }))).toEqual({ kind: 'before', key });
    expect(decodeCursor('not a cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('x12.c_1').toString('base64url'))).toBeNull();
  });
});
