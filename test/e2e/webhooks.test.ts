import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_COLLECTION } from '../../adapters/mongodb/index.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { startJobStack, type JobStack } from '../support/job-stack.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { mongoUriVia, testMongoAddress } from '../support/mongo-server.js';
import { TEST_MONGODB_URI } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
/** Short waits, so retries and giving up happen within a test; long enough that a job runs meanwhile. */
const RETRIES = Array.from({ length: 30 }, () => 300);

/** Webhooks with API and worker as separate processes on Kafka, Redis, RabbitMQ and the MongoDB-wire server. */
describe('webhooks on the real servers', () => {
  let stack: JobStack;
  let receiver: WebhookReceiver;
  /** Between the API and MongoDB only (workers reach it directly), to see what the API asks of the outbox. */
  let apiMongo: FaultProxy;
  const startWorker = (name: string) => stack.startWorker(name, { MONGODB_URI: TEST_MONGODB_URI });
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    apiMongo = await startFaultProxy(testMongoAddress());
    stack = await startJobStack({
      name: 'webhooks',
      providerDelayMs: 200,
      concurrency: 1,
      partitions: 2,
      env: {
        WEBHOOK_SECRET: SECRET,
        CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
        WEBHOOK_RETRY_SCHEDULE_MS: RETRIES.join(','),
        WEBHOOK_TIMEOUT_MS: '1500',
        WEBHOOK_POLL_MS: '100',
        MONGODB_URI: mongoUriVia(apiMongo.port),
      },
    });
    await startWorker('w1');
  }, 120_000);
  afterAll(async () => {
    apiMongo?.restore();
    await stack?.close();
    await receiver?.close();
    await apiMongo?.close();
  }, 60_000);

  const submit = async (city: string, callbackUrl: string) => {
    const response = await postJson(`${stack.apiBase}/v1/jobs`, { ...weatherJob(city), callback_url: callbackUrl });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return response.body.job_id as string;
  };
  const webhookOf = async (jobId: string) => (await request(`${stack.apiBase}/v1/jobs/${jobId}/status`)).body.webhook;
  const waitForWebhook = (jobId: string, state: string, timeoutMs = 45_000) =>
    waitFor(async () => {
      const webhook = await webhookOf(jobId);
      return webhook?.state === state ? webhook : undefined;
    }, { timeoutMs, intervalMs: 100, what: `the webhook of job ${jobId} to be ${state}` });

  it('signs per Standard Webhooks, and after a 503 retries with the same webhook-id until delivered', async () => {
    receiver.plan('/flaky', (nth) => ({ status: nth === 0 ? 503 : 200 }));
    const jobId = await submit('Hooked', receiver.url('/flaky'));
    const webhook = await waitForWebhook(jobId, 'delivered');
    expect(webhook).toMatchObject({ webhook_id: `msg_${jobId}`, callback_url: receiver.url('/flaky'), attempts: 2, last_status_code: 200, delivered_at: expect.any(String) });

    const [first, second] = receiver.at('/flaky');
    expect(second).toBeDefined();
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    for (const attempt of [first!, second!]) {
      // The specification's own library checks the signature and the timestamp.
      const payload = new Webhook(SECRET).verify(attempt.body, attempt.headers);
      expect(payload).toMatchObject({
        type: 'job.completed',
        data: { job_id: jobId, job_type: 'weather', state: 'completed', finished_at: expect.any(String), result_url: `/v1/jobs/${jobId}/result` },
      });
      expect(attempt.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(first!.body, first!.headers)).toThrow();
  }, 60_000);

  it('reads the outbox for a status answer only when the job has a callback_url', async () => {
    receiver.plan('/read', () => ({ status: 200 }));
    const hooked = await submit('Read', receiver.url('/read'));
    const plain = (await postJson(`${stack.apiBase}/v1/jobs`, weatherJob('Plain'))).body.job_id as string;
    expect(await waitForTerminal(stack.apiBase, plain, 30_000)).toMatchObject({ state: 'completed' });
    await waitForWebhook(hooked, 'delivered');
    // The wire carries the collection's name in each command on it; nothing reaches MongoDB while frozen.
    const outboxCommands = () => apiMongo.held('toServer').filter((unit) => unit.includes(WEBHOOK_COLLECTION)).length;
    apiMongo.freeze();
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await request(`${stack.apiBase}/v1/jobs/${plain}/status`);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ job_id: plain, state: 'completed' });
        expect(answer.body.webhook).toBeUndefined();
      }
      expect(outboxCommands()).toBe(0);
      // The same look sees the read of a job that has a webhook; with the outbox away it answers without it.
      const answer = await request(`${stack.apiBase}/v1/jobs/${hooked}/status`);
      expect(answer.status).toBe(200);
      expect(answer.body.webhook).toBeUndefined();
      expect(outboxCommands()).toBeGreaterThan(0);
    } finally {
      apiMongo.restore();
    }
    expect(await webhookOf(hooked)).toMatchObject({ state: 'delivered', last_status_code: 200 });
  }, 60_000);

  it('refuses at submit a callback its rules forbid, with a 400 naming callback_url', async () => {
    // localhost resolves to a loopback address and is not listed; 10.0.0.1 is neither listed nor public.
    const refusals: Array<[string, string]> = [
      [`http://localhost:${receiver.port}/x`, 'names host localhost, which is not one of the hosts this deployment calls back (CALLBACK_ALLOWED_HOSTS)'],
      ['http://10.0.0.1/x', 'names host 10.0.0.1, which is not one of the hosts this deployment calls back (CALLBACK_ALLOWED_HOSTS)'],
      ['ftp://127.0.0.1/x', 'must be an http:// or https:// URL of at most 2048 characters, without user name or password'],
    ];
    for (const [url, message] of refusals) {
      const refused = await postJson(`${stack.apiBase}/v1/jobs`, { ...weatherJob('Refused'), callback_url: url });
      const error = expectErrorBody(refused, 400, 'INVALID_BODY');
      expect(error.details?.fields).toEqual([{ field: 'callback_url', message }]);
    }
    expect(receiver.at('/x')).toEqual([]);
  }, 30_000);

  it('does not follow a redirect: the attempt counts as failed, and the delivery is given up when the schedule is spent', async () => {
    receiver.plan('/redirect', () => ({ status: 302, headers: { location: receiver.url('/landing') } }));
    const jobId = await submit('Redirected', receiver.url('/redirect'));
    const webhook = await waitForWebhook(jobId, 'given_up', 60_000);
    expect(webhook).toMatchObject({ attempts: RETRIES.length + 1, last_status_code: 302, given_up_at: expect.any(String) });
    expect(webhook.next_attempt_at).toBeUndefined();
    expect(receiver.at('/redirect')).toHaveLength(RETRIES.length + 1);
    expect(receiver.at('/landing')).toEqual([]);
  }, 90_000);

  it('frees the job\'s worker slot while its webhook is retried: the next job runs meanwhile', async () => {
    let open = false;
    receiver.plan('/gate', () => ({ status: open ? 200 : 503 }));
    const first = await submit('Gated', receiver.url('/gate'));
    await waitFor(async () => (receiver.at('/gate').length >= 1 ? true : undefined), { timeoutMs: 30_000, intervalMs: 50, what: 'the first attempt' });
    // One worker, one slot: this job runs only if the webhook does not hold it.
    const next = (await postJson(`${stack.apiBase}/v1/jobs`, weatherJob('Next'))).body.job_id as string;
    expect(await waitForTerminal(stack.apiBase, next, 30_000)).toMatchObject({ state: 'completed' });
    expect(await webhookOf(first)).toMatchObject({ state: 'pending', last_status_code: 503 });
    open = true;
    expect(await waitForWebhook(first, 'delivered')).toMatchObject({ last_status_code: 200 });
  }, 90_000);

  it('delivers after the delivering worker is killed mid-attempt and another starts (at least once, same webhook-id)', async () => {
    receiver.plan('/killed', (nth) => (nth === 0 ? 'hold' : { status: 204 }));
    const jobId = await submit('Killed', receiver.url('/killed'));
    await waitFor(async () => (receiver.at('/killed').length >= 1 ? true : undefined), { timeoutMs: 30_000, intervalMs: 20, what: 'the held attempt' });
    await stack.workers[0]!.process.stop('SIGKILL');
    await startWorker('w2');
    const webhook = await waitForWebhook(jobId, 'delivered', 60_000);
    expect(webhook).toMatchObject({ last_status_code: 204 });
    const attempts = receiver.at('/killed');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([`msg_${jobId}`]));
    for (const attempt of attempts) expect(() => new Webhook(SECRET).verify(attempt.body, attempt.headers)).not.toThrow();
  }, 120_000);
});
