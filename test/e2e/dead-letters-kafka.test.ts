import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, JOB_MESSAGE_HEADERS } from '../../contracts/index.js';
import { deadLetterTopicFor, topicFor } from '../../core/domain/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, request, waitForTerminal } from '../support/http-client.js';
import { servicesMode, type ServicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

const post = (url: string) => request(url, { method: 'POST' });

/** The dead-letter views on Kafka itself: what the worker dead-letters shows up, and a replay goes back to its topic. */
describe('dead letters on Kafka', () => {
  let run: ServicesMode;
  let app: EmbeddedApp;
  beforeAll(async () => {
    run = servicesMode('dead-letters');
    app = await startEmbeddedApp({ ...run.env, PROGRESS_RPC_TIMEOUT_MS: '2000' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await run?.cleanup();
  }, 30_000);

  const find = (jobId: string) =>
    waitFor(
      async () => {
        let cursor: string | null = null;
        do {
          const query: string = `?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const page = (await request(`${app.baseUrl}/v1/dead-letters${query}`)).body;
          const found = page.items?.find((item: { job_id?: string }) => item.job_id === jobId);
          if (found) return found;
          cursor = page.next_cursor;
        } while (cursor);
        return undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `the dead letter of ${jobId}` },
    );

  it('lists what the worker dead-lettered and refuses to replay it (422); replays a record that now passes (202), then 409', async () => {
    const weatherTopic = topicFor('weather', run.env.KAFKA_TOPIC_TEMPLATE);
    const badId = randomUUID();
    await app.adapters.queue.publish({ topic: weatherTopic, key: badId, value: Buffer.from(`{"job_id":"${badId}","oops":`), headers: { ...JOB_MESSAGE_HEADERS } });
    const bad = await find(badId);
    expect(bad).toMatchObject({ source_topic: weatherTopic, key: badId, value_preview: `{"job_id":"${badId}","oops":` });
    expect(bad.reason).toContain('not JSON');
    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/${bad.id}/replay`), 422, 'DEAD_LETTER_INVALID');

    const goodId = randomUUID();
    const message = { schema_version: '1.0', job_id: goodId, job_type: 'weather', submitted_at: new Date().toISOString(), trace_id: randomUUID(), payload: { city: 'Oslo', country_code: 'NO', units: 'metric' } };
    await app.adapters.queue.publish({
      topic: deadLetterTopicFor(run.env.KAFKA_TOPIC_TEMPLATE),
      key: goodId,
      value: Buffer.from(JSON.stringify(message)),
      headers: { ...JOB_MESSAGE_HEADERS, [DEAD_LETTER_HEADERS.reason]: 'rejected by an older contract', [DEAD_LETTER_HEADERS.sourceTopic]: weatherTopic, [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString() },
    });
    const good = await find(goodId);
    const replayed = await post(`${app.baseUrl}/v1/dead-letters/${good.id}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ job_id: goodId, topic: weatherTopic });
    expect(await waitForTerminal(app.baseUrl, goodId, 30_000)).toMatchObject({ state: 'completed' });
    expectErrorBody(await post(`${app.baseUrl}/v1/dead-letters/${good.id}/replay`), 409, 'DEAD_LETTER_JOB_DONE');
  }, 90_000);
});
