import { describe, expect, it } from 'vitest';
import { findBreaches, importsOf, REPO_ROOT, readSourceTree } from './dependency-rule.ts';

const format = (b: { file: string; line: number; specifier: string; rule: string }) =>
  `${b.file}:${b.line} imports '${b.specifier}': ${b.rule}`;

describe('the dependency rule (DESIGN.md)', () => {
  it('holds for every file in src/', () => {
    const files = readSourceTree(REPO_ROOT);
    expect(files.length).toBeGreaterThan(100);
    expect(findBreaches(files).map(format)).toEqual([]);
  });

  it('reads static, type-only, re-export and dynamic imports, multi-line ones too', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type {\n  B,\n  C,\n} from '../b.ts';",
      "export { d } from './d.ts';",
      "export * from './e.ts';",
      "const f = await import('./f.ts');",
      "import './side-effect.ts';",
    ].join('\n');
    expect(importsOf(text).map((i) => i.specifier)).toEqual([
      './a.ts',
      '../b.ts',
      './d.ts',
      './e.ts',
      './f.ts',
      './side-effect.ts',
    ]);
  });

  // Each deliberate breach must be caught, naming the file, the line and the rule.
  const breaches: [string, string, string, RegExp][] = [
    ['domain importing a port', 'src/domain/x.ts', '../ports/sheet.ts', /domain\/ imports nothing/],
    ['domain doing I/O', 'src/domain/x.ts', 'node:fs', /no I\/O/],
    ['a port importing an adapter', 'src/ports/x.ts', '../adapters/sqlite/sqlite.ts', /ports/],
    ['app importing an adapter', 'src/app/x.ts', '../adapters/sqlite/sqlite.ts', /no adapter/],
    ['http importing a runtime', 'src/http/x.ts', '../cli/main.ts', /no adapter and no runtime/],
    ['app using an SDK', 'src/app/x.ts', '@aws-sdk/client-sesv2', /no SDK/],
    ['ses importing sqlite', 'src/adapters/ses/x.ts', '../sqlite/sqlite.ts', /no other adapter/],
    ['an adapter calling the app', 'src/adapters/smtp/x.ts', '../../app/wake.ts', /do not call/],
    ['a platform importing http', 'src/platforms/x/y.ts', '../../http/errors.ts', /platforms\//],
    [
      'a platform importing an adapter',
      'src/platforms/x/y.ts',
      '../../adapters/sqlite/s.ts',
      /platforms\//,
    ],
  ];
  for (const [name, path, specifier, rule] of breaches) {
    it(`catches ${name}`, () => {
      const found = findBreaches([{ path, text: `\n\nimport { x } from '${specifier}';\n` }]);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ file: path, line: 3, specifier });
      expect(found[0]?.rule).toMatch(rule);
    });
  }

  it('lets adapters share mime/, the runtimes compose anything, and domain tests use test support', () => {
    const allowed = [
      { path: 'src/adapters/ses/x.ts', text: "import { m } from '../mime/mail-message.ts';" },
      { path: 'src/adapters/ses/x.ts', text: "import type { P } from '../../ports/mailer.ts';" },
      { path: 'src/cli/x.ts', text: "import { s } from '../adapters/sqlite/sqlite.ts';" },
      { path: 'src/lambda/x.ts', text: "import { s } from '../adapters/ses/ses-mailer.ts';" },
      { path: 'src/domain/x.test.ts', text: "import { f } from '../../test/support/f.ts';" },
      { path: 'src/ports/x.ts', text: "import type { Cart } from '../domain/cart.ts';" },
    ];
    expect(findBreaches(allowed)).toEqual([]);
  });
});
