/**
 * The README's configuration tables, written from the configuration table (config-table.ts):
 * `npm run docs:config` puts them between the markers, and a test fails when the README and the
 * table differ, so the documented defaults are the parsed ones.
 */
import type { AwsUse, Setting } from './config-setting.ts';

export const CONFIG_DOCS_START = '<!-- config-table:start (written by npm run docs:config) -->';
export const CONFIG_DOCS_END = '<!-- config-table:end -->';

export class ConfigDocsError extends Error {
  override readonly name = 'ConfigDocsError';
}

const code = (text: string) => `\`${text}\``;
/** A cell's text: a `|` would end the cell early. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

function awsCell(aws: AwsUse): string {
  switch (aws.kind) {
    case 'context':
      return `${code(`-c ${aws.key}=...`)}, passed as given`;
    case 'stack':
      return aws.key === undefined
        ? 'set by the stack'
        : `set by the stack, from ${code(`-c ${aws.key}=...`)}`;
    case 'secret':
      return `field ${code(aws.field)} of the stack's secret`;
    case 'none':
      return 'not set by the stack';
  }
}

function defaultCell(setting: Setting): string {
  if (setting.defaultDoc !== undefined) return setting.defaultDoc;
  return setting.fallback === undefined ? 'unset' : code(setting.fallback);
}

function table(rows: readonly Setting[]): string[] {
  return [
    '| variable | default | meaning | on AWS |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${code(row.variable)} | ${cell(defaultCell(row))} | ${cell(row.doc)} | ${awsCell(row.aws)} |`,
    ),
  ];
}

/** What goes between the markers: the settings, then the names only the functions read. */
export function configDocs(settings: readonly Setting[], awsOnly: readonly Setting[]): string {
  return [
    ...table(settings),
    '',
    'The stack also sets these on the Lambda functions (`serve` does not read them):',
    '',
    ...table(awsOnly),
  ].join('\n');
}

/** The README with its configuration section rewritten; throws when the markers are missing. */
export function withConfigDocs(readme: string, docs: string): string {
  const start = readme.indexOf(CONFIG_DOCS_START);
  const end = readme.indexOf(CONFIG_DOCS_END);
  if (start === -1 || end < start) {
    throw new ConfigDocsError(
      `README.md: the markers ${CONFIG_DOCS_START} and ${CONFIG_DOCS_END} are missing or out of order`,
    );
  }
  return `${readme.slice(0, start + CONFIG_DOCS_START.length)}\n${docs}\n${readme.slice(end)}`;
}
