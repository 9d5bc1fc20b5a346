/**
 * `npm run docs:config`: rewrites the README's configuration tables from the configuration table
 * (src/app/config-table.ts). test/config/readme-config.test.ts fails until this has been run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { configDocs, withConfigDocs } from '../src/app/config-docs.ts';
import { configRows } from '../src/app/config-rows.ts';

const path = new URL('../README.md', import.meta.url);
const { settings, awsOnly } = configRows();
const before = readFileSync(path, 'utf8');
const after = withConfigDocs(before, configDocs(settings, awsOnly));
if (after === before) console.log('README.md: the configuration tables are up to date');
else {
  writeFileSync(path, after);
  console.log(
    `README.md: configuration tables rewritten (${settings.length + awsOnly.length} variables)`,
  );
}
