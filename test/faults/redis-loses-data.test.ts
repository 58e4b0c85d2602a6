/**
 * Redis restarted without persistence forgets every status and every idempotency key. What the
 * durable store (MongoDB) keeps must still answer: a finished job's status, and an
 * Idempotency-Key's original job. API + worker in this process on a Redis server of the test's
 * own (killed and restarted empty), the shared RabbitMQ and MongoDB-wire server, and the
 * in-memory job queue.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER, RESULT_COLLECTION } from '../../contracts/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { servicesMode } from '../support/services-mode.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

describe('Redis loses its data (killed and restarted without persistence)', () => {
  const services = servicesMode('dtq-redis-loss');
  let redis: PrivateRedis;
  let app: EmbeddedApp;
  let mongo: MongoClient;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const { KAFKA_BROKERS: _brokers, KAFKA_TOPIC_TEMPLATE: _template, KAFKA_CONSUMER_GROUP: _group, KAFKA_SESSION_TIMEOUT_MS: _session, ...env } = services.env;
    app = await startEmbeddedApp({ ...env, REDIS_URL: redis.url });
    mongo = new MongoClient(TEST_MONGODB_URI);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.close();
    await mongo?.close();
    await services.cleanup({ kafka: false });
  });

  const results = () => mongo.db(services.env.MONGODB_DATABASE).collection(RESULT_COLLECTION);
  const status = (jobId: string) => request(`${app.baseUrl}/v1/jobs/${jobId}/status`);
  const submit = (body: unknown, key?: string) => postJson(`${app.baseUrl}/v1/jobs`, body, key ? { [IDEMPOTENCY_KEY_HEADER]: key } : {});
  /** Loses every key, then waits until the API answers through Redis again. */
  const loseRedisData = async () => {
    await redis.restartEmpty();
    await waitFor(async () => ((await request(`${app.baseUrl}/readyz`)).status === 200 ? true : undefined), { timeoutMs: 15_000, what: 'readiness after the Redis restart' });
  };

  it('answers a finished job status from its result: completed 100, failed with its error', async () => {
    const completed = (await submit(weatherJob('Austin'))).body.job_id as string;
    const failed = (await submit(weatherJob('Atlantis'))).body.job_id as string;
    expect((await waitForTerminal(app.baseUrl, completed)).state).toBe('completed');
    expect((await waitForTerminal(app.baseUrl, failed)).state).toBe('failed');

    await loseRedisData();

    const done = await status(completed);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ job_id: completed, state: 'completed', progress_percent: 100, result_url: `/v1/jobs/${completed}/result` });
    const gone = await status(failed);
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ job_id: failed, state: 'failed', error_code: 'CITY_NOT_FOUND', result_url: `/v1/jobs/${failed}/result` });
    expect((await request(`${app.baseUrl}/v1/jobs/${completed}/result`)).status).toBe(200);
    // A job nobody submitted is still unknown.
    expectErrorBody(await status('3b241101-e2bb-4255-8caf-4136c566a962'), 404, 'JOB_NOT_FOUND');
  });

  it('answers a re-sent Idempotency-Key with its original job, and runs no second one', async () => {
    const key = uniqueName('order');
    const body = weatherJob('Reykjavik');
    const first = await submit(body, key);
    expect(first.status).toBe(202);
    const jobId = first.body.job_id as string;
    await waitForTerminal(app.baseUrl, jobId);

    await loseRedisData();

    const again = await submit(body, key);
    expect(again.status).toBe(202);
    expect(again.body.job_id).toBe(jobId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectErrorBody(await submit(weatherJob('Oslo'), key), 409, 'IDEMPOTENCY_CONFLICT');

    // A job submitted after the replay finishes after anything the replay could have queued.
    const marker = (await submit(weatherJob('Lima'))).body.job_id as string;
    await waitForTerminal(app.baseUrl, marker);
    const cities = (await results().find({}, { projection: { _id: 0, 'input.city': 1 } }).toArray()).map((doc) => (doc.input as { city: string }).city);
    expect(cities.filter((city) => city === 'Reykjavik')).toEqual(['Reykjavik']);
  });
});
