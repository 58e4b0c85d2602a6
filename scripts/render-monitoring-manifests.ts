// Writes the monitoring manifests generated from ops/ (see scripts/monitoring/render-monitoring.ts).
//   npx tsx scripts/render-monitoring-manifests.ts           write them
//   npx tsx scripts/render-monitoring-manifests.ts --check   exit 1 if any is missing or stale
// Options: --root <dir> renders another tree (tests use it). A missing source exits 2, naming it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MissingMonitoringSourceError, readMonitoringSources } from './monitoring/read-sources.js';
import { MonitoringSourceError, RENDER_COMMAND, renderMonitoring } from './monitoring/render-monitoring.js';

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, root: { type: 'string' } },
});
const root = resolve(values.root ?? fileURLToPath(new URL('..', import.meta.url)));

try {
  const outputs = renderMonitoring(await readMonitoringSources(root));
  if (values.check) {
    const stale: string[] = [];
    for (const [path, text] of Object.entries(outputs)) {
      const onDisk = await readFile(join(root, path), 'utf8').catch(() => undefined);
      if (onDisk !== text) stale.push(onDisk === undefined ? `${path} (missing)` : path);
    }
    if (stale.length > 0) {
      console.error(`monitoring manifests out of date: ${stale.join(', ')}; run \`${RENDER_COMMAND}\``);
      process.exit(1);
    }
    console.log(`monitoring manifests up to date (${Object.keys(outputs).length} files)`);
  } else {
    for (const [path, text] of Object.entries(outputs)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    console.log(`wrote ${Object.keys(outputs).join(', ')}`);
  }
} catch (error) {
  if (error instanceof MissingMonitoringSourceError || error instanceof MonitoringSourceError) {
    console.error(`render-monitoring-manifests: ${error.message}`);
    process.exit(error instanceof MissingMonitoringSourceError ? 2 : 1);
  }
  throw error;
}
