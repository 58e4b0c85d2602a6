import { describe, expect, it } from 'vitest';
import type { JobType } from '../../contracts/index.js';
import { parseSubmission } from '../../core/domain/index.js';
import { InvalidPayloadError } from '../../core/errors/index.js';
import { payloadFields } from '../../web/src/forms/describe-payload.js';
import { toPayload, validatePayload, type FormValues } from '../../web/src/forms/validate-payload.js';

// The web form checks values before sending them; for any input it must report exactly the
// issues the API would report for the payload the form would send.
const CASES: Array<[JobType, FormValues]> = [
  ['weather', { city: '', country_code: 'usa', units: 'metric' }],
  ['weather', { city: '   ', country_code: 'us', units: '' }],
  ['weather', { city: 'x'.repeat(101), country_code: 'US', units: 'kelvin' }],
  ['quote', { tag: 'Wisdom', max_length: '10' }],
  ['quote', { tag: '', max_length: '20.5' }],
  ['quote', { max_length: 'abc' }],
  ['exchange_rate', { base: 'usd', target: 'EURO', amount: '-1' }],
  ['exchange_rate', { base: 'USD', target: 'USD', amount: '0' }],
  ['exchange_rate', { base: 'USD', target: 'EUR', amount: '1e13' }],
  ['github_user', { username: '-bad--name-' }],
  ['github_user', { username: '' }],
];

function apiIssues(jobType: JobType, payload: Record<string, unknown>) {
  try {
    parseSubmission({ job_type: jobType, payload });
    return [];
  } catch (error) {
    if (error instanceof InvalidPayloadError) return error.fields;
    throw error;
  }
}

describe('client-side validation matches the API', () => {
  it.each(CASES)('%s %j', (jobType, values) => {
    const client = validatePayload(jobType, values);
    const server = apiIssues(jobType, toPayload(payloadFields(jobType), values));
    expect(server.length).toBeGreaterThan(0);
    expect(client.ok).toBe(false);
    expect(client.ok ? [] : client.issues).toEqual(server);
  });

  it('accepts what the API accepts', () => {
    const values = { city: 'Austin', country_code: 'US', units: 'imperial' };
    const client = validatePayload('weather', values);
    expect(client).toEqual({ ok: true, payload: parseSubmission({ job_type: 'weather', payload: toPayload(payloadFields('weather'), values) }).payload });
  });
});
