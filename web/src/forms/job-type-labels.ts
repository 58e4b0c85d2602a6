import { mapCatalog } from '../../../contracts/job-types.js';
import { humanize } from './payload-fields.js';

/** How job types read in the UI (each type's display_name); the value sent stays the contract's name. */
export const JOB_TYPE_LABELS = mapCatalog((contract) => contract.display_name);

/** A job type's display name; one this bundle was built without (the API knows it) reads as its name in words. */
export function jobTypeLabel(jobType: string): string {
  return Object.hasOwn(JOB_TYPE_LABELS, jobType) ? JOB_TYPE_LABELS[jobType as keyof typeof JOB_TYPE_LABELS] : humanize(jobType);
}
