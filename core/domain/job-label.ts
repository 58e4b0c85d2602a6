import { JOB_LABEL_MAX_LENGTH, jobContract, type JobType, type PayloadFor } from '../../contracts/index.js';

/**
 * What a job is about, in a few words, from its validated input, as its job type's `label` says
 * ("Austin, US", "USD → EUR"). Never longer than JOB_LABEL_MAX_LENGTH characters (a longer one
 * ends in "…"); a label function that throws gives the job type's display name instead.
 */
export function jobLabel<T extends JobType>(jobType: T, payload: PayloadFor<T>): string {
  const contract = jobContract(jobType);
  let raw: string;
  try {
    raw = String(contract.label(payload));
  } catch {
    raw = contract.display_name;
  }
  const label = raw.replace(/\s+/g, ' ').trim() || contract.display_name;
  const chars = [...label];
  return chars.length <= JOB_LABEL_MAX_LENGTH ? label : `${chars.slice(0, JOB_LABEL_MAX_LENGTH - 1).join('')}…`;
}
