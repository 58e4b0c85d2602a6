/**
 * Dealing with dead letters: purge (mark handled) and a replay of a corrected value, over HTTP on
 * the embedded adapters; and the marks kept durably on the MongoDB-wire server, across stores.
 */
import { randomUUID } from 'node:crypto';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListDeadLettersResponseSchema, PurgeDeadLetterResponseSchema } from '../../contracts/index.js';
import { MongoDeadLetterMarks } from '../../adapters/mongodb/index.js';
import { quoteMessage, replayableDeadLetter } from '../support/dead-letters.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal } from '../support/http-client.js';
import { connectTestMongo, testDatabases } from '../support/mongo-server.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-for.js';

const post = (url: string) => request(url, { method: 'POST' });

describe('dead letters: purge and corrected replay over HTTP, embedded adapters', () => {
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({});
  });
  afterAll(() => app.close());

  const list = async () => ListDeadLettersResponseSchema.strict().parse((await request(`${app.baseUrl}/v1/dead-letters?limit=100`)).body);
  const find = (jobId: string) =>
    waitFor(async () => (await list()).items.find((item) => item.job_id === jobId), { timeoutMs: 10_000, what: `the dead letter of ${jobId}` });

  it('marks a dead letter handled once; the listing carries the mark and counts it', async () => {
    const message = quoteMessage();
    await app.adapters.queue.publish(replayableDeadLetter(message, 'jobs.quote.v1', 'no longer wanted'));
    const letter = await find(message.job_id);
    expect(letter.handled).toBeUndefined();
    const before = await list();

    const purged = await post(`${app.baseUrl}/v1/dead-letters/${letter.id}/purge`);
    expect(purged.status).toBe(200);
    const mark = PurgeDeadLetterResponseSchema.strict().parse(purged.body);
    expect(mark).toMatchObject({ id: letter.id, outcome: 'purged' });
    // A repeat answers the first mark.
    expect((await post(`${app.baseUrl}/v1/dead-letters/${letter.id}/purge`)).body).toEqual(mark);

    const after = await list();
    expect(after.items.find((item) => item.id === letter.id)?.handled).toEqual({ outcome: 'purged', handled_at: mark.handled_at });
    expect(after.handled).toBe((before.handled ?? 0) + 1);

    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/not-an-id/purge`), 400, 'INVALID_DEAD_LETTER_ID');
    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/0-999999/purge`), 404, 'DEAD_LETTER_NOT_FOUND');
  });

  it('replays a corrected value in place of a record that breaks the contract, and marks it replayed', async () => {
    const message = { ...quoteMessage(), job_type: 'weather', payload: { city: 'Austin', country_code: 'US', units: 'kelvin' } };
    await app.adapters.queue.publish({ ...replayableDeadLetter(message as never, 'jobs.weather.v1', 'payload.units: invalid'), key: message.job_id });
    const letter = await find(message.job_id);
    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`), 422, 'DEAD_LETTER_INVALID');

    // A correction that names another job, or is not {value: {...}}, is refused.
    const otherJob = { ...message, job_id: randomUUID(), payload: { ...message.payload, units: 'metric' } };
    expectErrorBody(await postJson(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`, { value: otherJob }), 422, 'DEAD_LETTER_INVALID');
    const badBody = expectErrorBody(await postJson(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`, { values: {} }), 400, 'INVALID_BODY');
    expect(badBody.message).toContain('value');

    const corrected = { ...message, payload: { ...message.payload, units: 'metric' } };
    const replayed = await postJson(`${app.baseUrl}/v1/dead-letters/${letter.id}/replay`, { value: corrected });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id: letter.id, job_id: message.job_id, topic: 'jobs.weather.v1' });
    expect(await waitForTerminal(app.baseUrl, message.job_id)).toMatchObject({ state: 'completed' });
    expect((await request(`${app.baseUrl}/v1/jobs/${message.job_id}/result`)).body).toMatchObject({ input: corrected.payload });
    expect((await list()).items.find((item) => item.id === letter.id)?.handled).toMatchObject({ outcome: 'replayed' });
  });

  it('marks the dead letters a bulk replay put back', async () => {
    const message = quoteMessage();
    await app.adapters.queue.publish(replayableDeadLetter(message, 'jobs.quote.v1', 'payload.tag: unknown tag'));
    const letter = await find(message.job_id);
    const started = await postJson(`${app.baseUrl}/v1/bulk/replay`, { job_ids: [message.job_id] });
    expect(started.status).toBe(202);
    await waitFor(async () => ((await request(`${app.baseUrl}/v1/bulk/${started.body.operation_id}`)).body.state === 'finished' ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the bulk replay to finish',
    });
    expect((await list()).items.find((item) => item.id === letter.id)?.handled).toMatchObject({ outcome: 'replayed' });
  });
});

describe('dead-letter marks on the MongoDB-wire server', () => {
  let client: MongoClient;
  const databases = testDatabases(() => client, 'dtq_dlq_marks');
  beforeAll(async () => {
    client = await connectTestMongo();
  });
  afterAll(async () => {
    if (client) await databases.drop();
    await client?.close();
  });

  it('keeps the first mark of a record, finds marks by id and counts them per topic, across store instances', async () => {
    const database = databases.name();
    const logger = testLogger();
    const first = new MongoDeadLetterMarks({ client, database, logger });
    await first.init();
    const mark = { id: '0-7', outcome: 'purged' as const, handled_at: '2026-01-01T00:00:00.000Z' };
    expect(await first.mark('jobs.dlq.v1', mark)).toEqual(mark);
    expect(await first.mark('jobs.dlq.v1', { ...mark, outcome: 'replayed', handled_at: '2026-01-02T00:00:00.000Z' })).toEqual(mark);
    await first.mark('other.dlq.v1', { ...mark, id: '1-1' });

    // Another store on the same database, as after a restart, sees what the first kept.
    const second = new MongoDeadLetterMarks({ client, database, logger });
    expect(await second.find('jobs.dlq.v1', ['0-7', '0-8'])).toEqual([mark]);
    expect(await second.count('jobs.dlq.v1')).toBe(1);
    expect(await second.count('other.dlq.v1')).toBe(1);
  });
});
