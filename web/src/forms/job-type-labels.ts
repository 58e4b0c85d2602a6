import type { JobType } from '../../../contracts/job-types.js';

/** How job types read in the UI; the value sent stays the contract's name. */
export const JOB_TYPE_LABELS: Record<JobType, string> = {
  weather: 'Weather',
  quote: 'Quote',
  exchange_rate: 'Exchange rate',
  github_user: 'GitHub user',
};
