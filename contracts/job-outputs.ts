import type { z } from 'zod';
import type * as catalog from '../jobs/catalog.js';
import { mapCatalog, type JobType } from './job-types.js';

type Catalog = typeof catalog;

/**
 * What each job type's handler returns, as stored in its result. `source` names the upstream;
 * `simulated` is true when the simulated handler produced it, so nobody mistakes it for real data.
 */
export const JobOutputSchemas = mapCatalog((contract) => contract.output) as { readonly [K in JobType]: Catalog[K]['output'] };

export type OutputFor<T extends JobType> = z.output<Catalog[T]['output']>;
