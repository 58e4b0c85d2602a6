// Writes the deployment files derived from jobs/catalog.ts (scripts/catalog/render-catalog-files.ts).
//   npx tsx scripts/render-catalog-files.ts           write them
//   npx tsx scripts/render-catalog-files.ts --check   exit 1 if any is missing or stale
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CATALOG_RENDER_COMMAND, renderCatalogFiles } from './catalog/render-catalog-files.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const root = fileURLToPath(new URL('..', import.meta.url));
const outputs = renderCatalogFiles();
if (values.check) {
  const stale: string[] = [];
  for (const [path, text] of Object.entries(outputs)) {
    if ((await readFile(join(root, path), 'utf8').catch(() => undefined)) !== text) stale.push(path);
  }
  if (stale.length > 0) {
    console.error(`files derived from jobs/catalog.ts are out of date: ${stale.join(', ')}; run \`${CATALOG_RENDER_COMMAND}\``);
    process.exit(1);
  }
  console.log(`files derived from jobs/catalog.ts are up to date (${Object.keys(outputs).length})`);
} else {
  for (const [path, text] of Object.entries(outputs)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  console.log(`wrote ${Object.keys(outputs).join(', ')}`);
}
