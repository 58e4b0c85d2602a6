import { z } from 'zod';
import * as catalog from '../jobs/catalog.js';
import type { JobTypeContract } from './job-type.js';
import { priorityTopicClash } from './job-priority.js';

type Catalog = typeof catalog;

/** Every job type dtq runs: the keys of jobs/catalog.ts. Topics, schemas and handlers follow from it. */
export type JobType = keyof Catalog & string;

// A catalog key that differs from its contract's job_type fails the type check here.
type NamesMatch = { [K in JobType]: Catalog[K]['job_type'] extends K ? (K extends Catalog[K]['job_type'] ? true : false) : false };
type AllTrue<T extends Record<string, true>> = T;
export type CatalogKeysAreJobTypes = AllTrue<NamesMatch>;

/** Each job type's contract, by name. */
export const JOB_CATALOG: { readonly [K in JobType]: Catalog[K] } = { ...catalog };
for (const [key, contract] of Object.entries(JOB_CATALOG) as Array<[string, JobTypeContract]>) {
  if (contract.job_type !== key) throw new Error(`jobs/catalog.ts names "${key}" the contract of "${contract.job_type}"`);
}

/** The job types, in the catalog's (alphabetical) order. */
export const JOB_TYPES = Object.keys(JOB_CATALOG).sort() as [JobType, ...JobType[]];
const clash = priorityTopicClash(JOB_TYPES);
if (clash) throw new Error(`jobs/catalog.ts: ${clash}`);
export const JobTypeSchema = z.enum(JOB_TYPES);

export const JobPayloadSchemas = mapCatalog((contract) => contract.payload) as { readonly [K in JobType]: Catalog[K]['payload'] };

export type PayloadFor<T extends JobType> = z.output<Catalog[T]['payload']>;
export type JobPayload = PayloadFor<JobType>;

/** The contract of a job type, typed loosely, for code that handles every type alike. */
export function jobContract(jobType: JobType): JobTypeContract {
  return JOB_CATALOG[jobType] as JobTypeContract;
}

export function mapCatalog<V>(pick: (contract: JobTypeContract) => V): Record<JobType, V> {
  return Object.fromEntries(JOB_TYPES.map((type) => [type, pick(jobContract(type))])) as Record<JobType, V>;
}
