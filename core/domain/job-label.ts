import { JOB_LABEL_MAX_LENGTH, type JobType, type PayloadFor } from '../../contracts/index.js';

type LabelOf = { [T in JobType]: (payload: PayloadFor<T>) => string };

const LABELS: LabelOf = {
  weather: (p) => `${p.city}, ${p.country_code}`,
  quote: (p) => (p.tag ? `tag ${p.tag}` : 'any tag'),
  exchange_rate: (p) => `${p.amount === undefined ? '' : `${p.amount} `}${p.base} → ${p.target}`,
  github_user: (p) => `@${p.username}`,
};

/**
 * What a job is about, in a few words, from its validated input: the city and country of a
 * weather job, the currency pair, the GitHub user, the quote tag. Never longer than
 * JOB_LABEL_MAX_LENGTH characters (a longer one ends in "…").
 */
export function jobLabel<T extends JobType>(jobType: T, payload: PayloadFor<T>): string {
  const label = (LABELS[jobType] as (p: PayloadFor<T>) => string)(payload).replace(/\s+/g, ' ').trim();
  const chars = [...label];
  return chars.length <= JOB_LABEL_MAX_LENGTH ? label : `${chars.slice(0, JOB_LABEL_MAX_LENGTH - 1).join('')}…`;
}
