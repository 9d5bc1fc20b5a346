import { describe, expect, it } from 'vitest';
import { escapeXml, niceScale, renderMonthChart } from './chart-svg.ts';
import type { DailyPoint } from './summary.ts';

/**
 * A small well-formedness check: every tag closes in order, attribute values are quoted, and
 * text has no raw `<` or stray `&`. Not a full XML parser, but it fails on what string-built SVG
 * gets wrong (an unescaped name, a missing close tag).
 */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const between = xml.slice(last, m.index);
    expect(between).not.toMatch(/[<>]/);
    expect(between).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name ?? '');
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

function month(days: number, fill: (i: number) => Partial<DailyPoint> = () => ({})) {
  const daily: DailyPoint[] = Array.from({ length: days }, (_, i) => ({
    date: `2026-11-${String(i + 1).padStart(2, '0')}`,
    abandoned: 0,
    recovered: 0,
    recoveredRevenueMinor: {},
    ...fill(i),
  }));
  return {
    month: '2026-11',
    daily,
    abandoned: daily.reduce((a, d) => a + d.abandoned, 0),
    recovered: daily.reduce((a, d) => a + d.recovered, 0),
  };
}

const count = (svg: string, needle: string) => svg.split(needle).length - 1;

describe('renderMonthChart', () => {
  const busy = month(30, (i) => ({
    abandoned: (i * 7) % 13,
    recovered: i % 4,
    recoveredRevenueMinor: i % 4 ? { USD: (i % 4) * 4250, ...(i === 1 ? { EUR: 100 } : {}) } : {},
  }));

  it('draws one abandoned and one recovered bar per day, and the revenue line', () => {
    const svg = renderMonthChart(busy);
    assertWellFormed(svg);
    expect(count(svg, 'class="bar abandoned"')).toBe(30);
    expect(count(svg, 'class="bar recovered"')).toBe(30);
    expect(count(svg, '<polyline class="revenue"')).toBe(1);
    expect(svg).toContain('Recovered revenue (USD)');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('is accessible: a role, a label that says what it shows, and a title', () => {
    const svg = renderMonthChart(busy);
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    // Recovered per day is i % 4 over 30 days: 7 cycles of 0+1+2+3 plus 0 and 1 = 43 carts;
    // each at $42.50: 43 x 42.50 = $1,827.50. Abandoned (7i mod 13) sums to 172.
    expect(svg).toContain(
      'aria-label="Cart recovery, November 2026: 172 carts abandoned, 43 recovered, $1,827.50 recovered"',
    );
    expect(svg).toContain('<title>Cart recovery, November 2026</title>');
    expect(svg).toContain('viewBox="0 0 720 320"');
  });

  it('draws no bar taller than the plot', () => {
    const svg = renderMonthChart(busy);
    const heights = [
      ...svg.matchAll(/class="bar \w+" x="[^"]*" y="([^"]*)" width="[^"]*" height="([^"]*)"/g),
    ];
    expect(heights).toHaveLength(60);
    for (const [, y, h] of heights) {
      expect(Number(y)).toBeGreaterThanOrEqual(70);
      expect(Number(y) + Number(h)).toBeCloseTo(284, 0);
    }
  });

  it('renders an empty month as "no data yet", with no NaN anywhere', () => {
    const svg = renderMonthChart(month(30));
    assertWellFormed(svg);
    expect(svg).toContain('No data yet');
    expect(svg).toContain('aria-label="Cart recovery, November 2026: no data yet"');
    expect(count(svg, 'class="bar abandoned"')).toBe(30);
    expect(svg).not.toContain('<polyline');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('survives a month with no days at all', () => {
    const svg = renderMonthChart(month(0));
    assertWellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('escapes text it is given', () => {
    const svg = renderMonthChart(busy, { title: `Sam's <Shop> & "Co"` });
    assertWellFormed(svg);
    expect(svg).toContain('<title>Sam&apos;s &lt;Shop&gt; &amp; &quot;Co&quot;</title>');
    expect(svg).not.toContain('<Shop>');
  });

  it('draws revenue in the currency asked for', () => {
    const svg = renderMonthChart(busy, { currency: 'EUR' });
    expect(svg).toContain('Recovered revenue (EUR)');
    assertWellFormed(svg);
  });
});

describe('helpers', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });

  it('picks round axis steps that cover the maximum', () => {
    expect(niceScale(0, 4, true)).toEqual({ max: 4, step: 1 });
    expect(niceScale(3, 4, true)).toEqual({ max: 3, step: 1 });
    expect(niceScale(37, 4, true)).toEqual({ max: 40, step: 10 });
    expect(niceScale(170, 4)).toEqual({ max: 200, step: 50 });
  });
});
