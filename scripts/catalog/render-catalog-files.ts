import { JOB_TYPES } from '../../contracts/index.js';

/** The command that rewrites the files below; stale-file errors quote it. */
export const CATALOG_RENDER_COMMAND = 'npm run catalog:render';

/** Every file derived from the job catalog outside contracts/ (whose JSON Schema has its own command), by path. */
export function renderCatalogFiles(): Record<string, string> {
  return {
    // Bicep reads it with loadJsonContent: one Event Hub (Kafka topic) per job type and priority.
    'bicep/generated/job-types.json': `${JSON.stringify(JOB_TYPES, null, 2)}\n`,
  };
}
