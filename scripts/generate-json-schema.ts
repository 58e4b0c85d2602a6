// Writes contracts/json-schema/*.json and contracts/openapi.json from the zod schemas.
// A test fails when the checked-in files differ from what this would write.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas, renderOpenApi } from '../contracts/index.js';

const outDir = fileURLToPath(new URL('../contracts/json-schema/', import.meta.url));
await mkdir(outDir, { recursive: true });
const files = renderJsonSchemas();
for (const stale of await readdir(outDir)) {
  if (!(stale in files) && stale !== 'openapi.json') await rm(new URL(stale, `file://${outDir}`));
}
for (const [name, text] of Object.entries(files)) await writeFile(`${outDir}${name}`, text);
await writeFile(`${outDir}openapi.json`, renderOpenApi());
console.log(`wrote ${Object.keys(files).length + 1} files to contracts/json-schema/`);
