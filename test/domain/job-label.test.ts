import { describe, expect, it } from 'vitest';
import { JOB_LABEL_MAX_LENGTH, JobLabelSchema } from '../../contracts/index.js';
import { jobLabel, parseSubmission } from '../../core/domain/index.js';

/** The label of a body the API accepts, as submit derives it from the validated payload. */
const labelOf = (body: unknown) => {
  const { job_type, payload } = parseSubmission(body);
  return jobLabel(job_type, payload as never);
};

describe('job label', () => {
  it('says what each job type is about', () => {
    expect(labelOf({ job_type: 'weather', payload: { city: 'São Paulo', country_code: 'BR', units: 'metric' } })).toBe('São Paulo, BR');
    expect(labelOf({ job_type: 'exchange_rate', payload: { base: 'USD', target: 'EUR' } })).toBe('USD → EUR');
    expect(labelOf({ job_type: 'exchange_rate', payload: { base: 'USD', target: 'JPY', amount: 12.5 } })).toBe('12.5 USD → JPY');
    expect(labelOf({ job_type: 'github_user', payload: { username: 'octocat' } })).toBe('@octocat');
    expect(labelOf({ job_type: 'quote', payload: { tag: 'wisdom' } })).toBe('tag wisdom');
    expect(labelOf({ job_type: 'quote', payload: {} })).toBe('any tag');
  });

  it('stays within the contract\'s bound for the longest input, and folds white space', () => {
    const city = `${'Llanfair'.repeat(12)}x`.slice(0, 100);
    const label = labelOf({ job_type: 'weather', payload: { city, country_code: 'GB', units: 'metric' } });
    expect([...label]).toHaveLength(JOB_LABEL_MAX_LENGTH);
    expect(label.endsWith('…')).toBe(true);
    expect(JobLabelSchema.parse(label)).toBe(label);
    expect(labelOf({ job_type: 'weather', payload: { city: 'New\n  York', country_code: 'US', units: 'metric' } })).toBe('New York, US');
  });
});
