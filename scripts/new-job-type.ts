// npm run job:new -- <job_type>: a new job type that works at once, as one folder under jobs/
// and one line in jobs/catalog.ts; then rewrites the files derived from the catalog (JSON Schema
// and OpenAPI, Bicep's topic list). See docs/add-a-job-type.md.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogWith, jobTypeNameProblem, scaffoldFiles } from './catalog/scaffold-job-type.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const jobType = process.argv[2] ?? '';
const catalogPath = join(root, 'jobs/catalog.ts');
const catalog = await readFile(catalogPath, 'utf8');
const existing = [...catalog.matchAll(/^export \{ default as (\w+) \}/gm)].map((m) => m[1]!);
const problem = jobType ? jobTypeNameProblem(jobType, existing) : 'usage: npm run job:new -- <job_type>   (e.g. send_email)';
if (problem || existsSync(join(root, 'jobs', jobType))) {
  console.error(`job:new: ${problem ?? `jobs/${jobType}/ exists already`}`);
  process.exit(1);
}

const files = scaffoldFiles(jobType);
for (const [path, text] of Object.entries(files)) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}
await writeFile(catalogPath, catalogWith(catalog, jobType));

// The derived files import the catalog, so they are written by fresh processes that see the new line.
const { execFileSync } = await import('node:child_process');
for (const script of ['scripts/generate-json-schema.ts', 'scripts/render-catalog-files.ts']) {
  execFileSync(process.execPath, ['--import', 'tsx', join(root, script)], { cwd: root, stdio: 'inherit' });
}
console.log(`
job type ${jobType} added:
  jobs/${jobType}/contract.ts   its payload, output, label and example
  jobs/${jobType}/handler.ts    what a job does (real, and simulated for the embedded default)
  jobs/${jobType}/${jobType}.test.ts
  jobs/catalog.ts               its line
next: npm start, then submit one from http://localhost:7071 or:
  curl -s localhost:7071/v1/jobs -H 'content-type: application/json' -d '{"job_type":"${jobType}","payload":{"text":"hello dtq"}}'
`);
