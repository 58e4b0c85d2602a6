import { describe, expect, it } from 'vitest';
import { describeJobTypes, type JobType } from '../../contracts/index.js';
import { parseSubmission } from '../../core/domain/index.js';
import { InvalidPayloadError } from '../../core/errors/index.js';
import { payloadForm } from '../../web/src/forms/payload-fields.js';
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

// The controls the form builds from GET /v1/job-types.
const { job_types } = describeJobTypes({ attempts: 3, backoff: { initial_ms: 100, max_ms: 1_000 } });
const fieldsOf = (jobType: JobType) => payloadForm(job_types.find((type) => type.job_type === jobType)!.payload_schema).fields;

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
    const client = validatePayload(jobType, fieldsOf(jobType), values);
    const server = apiIssues(jobType, toPayload(fieldsOf(jobType), values));
    expect(server.length).toBeGreaterThan(0);
    expect(client.ok).toBe(false);
    expect(client.ok ? [] : client.issues).toEqual(server);
  });

  it('accepts what the API accepts', () => {
    const values = { city: 'Austin', country_code: 'US', units: 'imperial' };
    const client = validatePayload('weather', fieldsOf('weather'), values);
    expect(client).toEqual({ ok: true, payload: parseSubmission({ job_type: 'weather', payload: toPayload(fieldsOf('weather'), values) }).payload });
  });
});
