import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_TYPES, JobTypesResponseSchema } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { waitFor } from '../support/wait-for.js';

describe('GET /v1/job-types', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ PROVIDER_MAX_ATTEMPTS: '4', PROVIDER_RETRY_INITIAL_MS: '150', PROVIDER_RETRY_MAX_MS: '900' });
  });
  afterAll(() => app.close());

  it('lists every catalog type with the published JSON Schemas, an example and its defaults', async () => {
    const response = await fetch(`${app.baseUrl}/v1/job-types`);
    expect(response.status).toBe(200);
    const body = JobTypesResponseSchema.parse(await response.json());
    expect(body.job_types.map((t) => t.job_type)).toEqual([...JOB_TYPES]);
    for (const type of body.job_types) {
      expect(type.display_name.length).toBeGreaterThan(0);
      expect(type.description.length).toBeGreaterThan(0);
      const published = JSON.parse(await readFile(new URL(`../../contracts/json-schema/payload-${type.job_type.replaceAll('_', '-')}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
      delete published.$id;
      expect(type.payload_schema).toEqual(published);
      expect(type.output_schema).toMatchObject({ type: 'object', properties: { source: { type: 'string' }, simulated: { type: 'boolean' } } });
      // Types that declare no retry policy show the deployment's.
      expect(type.defaults.attempts).toBeGreaterThanOrEqual(1);
    }
    expect(body.job_types.some((t) => t.defaults.attempts === 4 && t.defaults.backoff.initial_ms === 150 && t.defaults.backoff.max_ms === 900)).toBe(true);
  });

  it("each type's example payload is accepted and runs to a stored result", async () => {
    const { job_types } = JobTypesResponseSchema.parse(await (await fetch(`${app.baseUrl}/v1/job-types`)).json());
    const submitted = await Promise.all(
      job_types.map(async (type) => {
        const response = await fetch(`${app.baseUrl}/v1/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ job_type: type.job_type, payload: type.example_payload }),
        });
        expect(response.status, `${type.job_type}: ${await response.clone().text()}`).toBe(202);
        return ((await response.json()) as { job_id: string }).job_id;
      }),
    );
    for (const jobId of submitted) {
      const result = await waitFor(async () => {
        const response = await fetch(`${app.baseUrl}/v1/jobs/${jobId}/result`);
        return response.status === 200 ? ((await response.json()) as { final_state: string }) : undefined;
      });
      expect(result.final_state).toBe('completed');
    }
  });
});
