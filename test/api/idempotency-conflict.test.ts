import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, weatherJob } from '../support/http-client.js';
import { TEST_REDIS_URL, deleteRedisKeys } from '../support/services.js';
import { uniqueName } from '../support/unique.js';

// An Idempotency-Key is a string a client picks; another client can pick the same one. The 409
// it then gets must not hand it the first client's job.
describe('409 on a reused Idempotency-Key, idempotency keys in Redis', () => {
  const prefix = `${uniqueName('dtq-idem-conflict')}:`;
  const keys = ['idem-conflict-key-a-7c41', 'idem-conflict-key-b-7c41'];
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, API_KEYS: keys.join(',') });
  });
  afterAll(async () => {
    await app?.close();
    await deleteRedisKeys(prefix);
  });

  it('names the header, says what to do, and gives away nothing of the job that holds the key', async () => {
    const idempotencyKey = `order-${randomUUID()}`;
    const first = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('First Caller'), { 'idempotency-key': idempotencyKey, 'x-api-key': keys[0]! });
    expect(first.status).toBe(202);
    const original = first.body as { job_id: string; trace_id: string };

    const other = await fetch(`${app.baseUrl}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, 'x-api-key': keys[1]! },
      body: JSON.stringify(weatherJob('Second Caller')),
    });
    const text = await other.text();
    const error = expectErrorBody({ status: other.status, headers: other.headers, body: JSON.parse(text) }, 409, 'IDEMPOTENCY_CONFLICT');
    expect(error.details).toEqual({ fields: [{ field: 'Idempotency-Key', message: expect.stringMatching(/another request body/) }] });
    for (const secret of [original.job_id, original.trace_id]) {
      expect(text).not.toContain(secret);
      for (const [name, value] of other.headers) expect(value, name).not.toContain(secret);
    }
    expect(other.headers.get('location')).toBeNull();

    // The first caller's replay still gets its job.
    const replay = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('First Caller'), { 'idempotency-key': idempotencyKey, 'x-api-key': keys[0]! });
    expect(replay.status).toBe(202);
    expect(replay.body.job_id).toBe(original.job_id);
  });
});
