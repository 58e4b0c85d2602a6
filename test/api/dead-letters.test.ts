import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_MESSAGE_HEADERS, ListDeadLettersResponseSchema, ReplayDeadLetterResponseSchema } from '../../contracts/index.js';
import { quoteMessage, replayableDeadLetter } from '../support/dead-letters.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, request, waitForTerminal } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

const post = (url: string) => request(url, { method: 'POST' });

describe('dead letters over HTTP on the fallback host, embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ PROGRESS_RPC_TIMEOUT_MS: '1000' });
  });
  afterAll(() => app.close());

  const list = async (query = '') => {
    const response = await request(`${app.baseUrl}/v1/dead-letters${query}`);
    expect(response.status).toBe(200);
    return ListDeadLettersResponseSchema.strict().parse(response.body);
  };
  const find = async (jobId: string) =>
    waitFor(async () => (await list('?limit=100')).items.find((item) => item.job_id === jobId), { timeoutMs: 10_000, what: `the dead letter of ${jobId}` });

  it('lists a record the worker dead-lettered, with its reason, source and first bytes, and refuses to replay it while it breaks the contract (422)', async () => {
    const jobId = randomUUID();
    const value = JSON.stringify({ schema_version: '1.0', job_id: jobId, job_type: 'weather', submitted_at: new Date().toISOString(), trace_id: randomUUID(), payload: { city: 'Austin', country_code: 'US', units: 'kelvin' } });
    await app.adapters.queue.publish({ topic: 'jobs.weather.v1', key: jobId, value: Buffer.from(value), headers: { ...JOB_MESSAGE_HEADERS } });

    const letter = await find(jobId);
    expect(letter).toMatchObject({
      source_topic: 'jobs.weather.v1',
      source_partition: expect.any(Number),
      source_offset: expect.any(String),
      key: jobId,
      value_bytes: value.length,
      value_preview: value.slice(0, 256),
    });
    expect(letter.reason).toContain('payload.units');
    expect(letter.id).toBe(`${letter.partition}-${letter.offset}`);

    const refused = expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`), 422, 'DEAD_LETTER_INVALID');
    expect(refused.details).toMatchObject({ id: letter.id });
    expect(String(refused.details?.reason)).toContain('payload.units');
  });

  it('replays a dead letter that now passes the contract (202): its job runs; a second replay is 409', async () => {
    const message = quoteMessage();
    const jobId = message.job_id;
    await app.adapters.queue.publish(replayableDeadLetter(message, 'jobs.quote.v1', 'payload.tag: unknown tag'));
    const letter = await find(jobId);
    const replayed = await post(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(ReplayDeadLetterResponseSchema.strict().parse(replayed.body)).toEqual({ id: letter.id, job_id: jobId, topic: 'jobs.quote.v1', status_url: `/v1/jobs/${jobId}/status` });
    expect(await waitForTerminal(app.baseUrl, jobId)).toMatchObject({ state: 'completed' });
    expect((await request(`${app.baseUrl}/v1/jobs/${jobId}/result`)).body).toMatchObject({ trace_id: message.trace_id, input: message.payload });
    // Listed like a submitted job: with what it is about and from when it was submitted.
    const listed = (await request(`${app.baseUrl}/v1/jobs?job_type=quote&limit=100`)).body.items.find((job: { job_id: string }) => job.job_id === jobId);
    expect(listed).toMatchObject({ label: 'tag wisdom', submitted_at: message.submitted_at });

    const again = expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`), 409, 'DEAD_LETTER_JOB_DONE');
    expect(again.details).toMatchObject({ job_id: jobId, final_state: 'completed' });
  });

  it('pages newest first, and answers 400 for a bad id or query and 404 for an unknown id', async () => {
    const first = await list('?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.total).toBeGreaterThanOrEqual(2);
    const second = await list(`?limit=1&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    expect(Date.parse(second.items[0]!.failed_at)).toBeLessThanOrEqual(Date.parse(first.items[0]!.failed_at));

    expectErrorBody(await request(`${app.baseUrl}/v1/dead-letters?limit=0`), 400, 'INVALID_QUERY');
    expectErrorBody(await request(`${app.baseUrl}/v1/dead-letters?cursor=nope`), 400, 'INVALID_QUERY');
    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/not-an-id/replay`), 400, 'INVALID_DEAD_LETTER_ID');
    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/0-999999/replay`), 404, 'DEAD_LETTER_NOT_FOUND');
  });

  it('answers 503 when the dead-letter topic cannot be read, and counts replays by outcome', async () => {
    const reader = app.adapters.deadLetters;
    const listFn = reader.list;
    reader.list = async () => {
      throw new Error('broker 10.1.1.1:9092 unreachable');
    };
    try {
      const error = expectErrorBody(await request(`${app.baseUrl}/v1/dead-letters`), 503, 'SERVICE_UNAVAILABLE');
      expect(error.message).toBe('dead-letter topic is unavailable; retry shortly');
    } finally {
      reader.list = listFn;
    }
    const metrics = (await request(`${app.baseUrl}/metrics`)).body as string;
    for (const outcome of ['replayed', 'invalid', 'job_done', 'not_found']) {
      expect(metrics).toMatch(new RegExp(`dtq_api_dead_letter_replays_total\\{outcome="${outcome}"\\} [1-9]`));
    }
  });
});
