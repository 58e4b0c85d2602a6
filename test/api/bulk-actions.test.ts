import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BulkAcceptedResponseSchema, BulkOperationResponseSchema, DEAD_LETTER_HEADERS, IDEMPOTENCY_KEY_HEADER, type BulkOperationResponse } from '../../contracts/index.js';
import { deadLetterTopicFor, topicFor } from '../../core/domain/index.js';
import { quoteMessage, replayableDeadLetter } from '../support/dead-letters.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { expectErrorBody, postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { servicesMode } from '../support/services-mode.js';
import { waitFor } from '../support/wait-for.js';

/** The /v1/bulk routes on the real servers (Kafka, Redis, RabbitMQ, the MongoDB-wire server), API and worker in this process. */
describe('bulk cancel, retry and replay on the real servers', () => {
  const services = servicesMode('dtq-bulk');
  let app: EmbeddedApp;
  beforeAll(async () => {
    app = await startEmbeddedApp({ ...services.env, PROGRESS_RPC_TIMEOUT_MS: '2000', KAFKA_TOPIC_PARTITIONS: '3', WORKER_CONCURRENCY: '2', SIMULATED_PROVIDER_DELAY_MS: '200' });
  }, 90_000);
  afterAll(async () => {
    await app?.close();
    await services.cleanup();
  }, 60_000);

  const submitBatch = async (jobs: unknown[]) => {
    const response = await postJson(`${app.baseUrl}/v1/jobs/batch`, { jobs });
    expect(response.status).toBe(202);
    return (response.body.items as Array<{ job_id: string }>).map((item) => item.job_id);
  };
  const bulk = async (kind: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await postJson(`${app.baseUrl}/v1/bulk/${kind}`, body, headers);
    if (response.status !== 202) throw new Error(`bulk ${kind}: ${response.status} ${JSON.stringify(response.body)}`);
    expect(response.headers.get('location')).toBe(`/v1/bulk/${response.body.operation_id}`);
    return BulkAcceptedResponseSchema.strict().parse(response.body);
  };
  /** Every page of the operation once it finished. */
  const finished = async (operationId: string): Promise<BulkOperationResponse & { all: BulkOperationResponse['items'] }> => {
    const first = await waitFor(
      async () => {
        const response = await request(`${app.baseUrl}/v1/bulk/${operationId}?limit=7`);
        const body = BulkOperationResponseSchema.strict().parse(response.body);
        return body.state === 'finished' ? body : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `bulk operation ${operationId} finished` },
    );
    const all = [...first.items];
    for (let cursor = first.next_cursor; cursor; ) {
      const page = BulkOperationResponseSchema.parse((await request(`${app.baseUrl}/v1/bulk/${operationId}?limit=7&cursor=${cursor}`)).body);
      all.push(...page.items);
      cursor = page.next_cursor;
    }
    return { ...first, all };
  };

  it('cancels by filter every matching job, once; a repeat under the same Idempotency-Key is the same operation', async () => {
    const from = new Date().toISOString();
    const submitted = await submitBatch(Array.from({ length: 30 }, (_, i) => weatherJob(`Bulk Cancel ${i}`)));
    const to = new Date(Date.now() + 1).toISOString();
    const key = { [IDEMPOTENCY_KEY_HEADER]: randomUUID() };
    const body = { filter: { job_type: 'weather', submitted_after: from, submitted_before: to } };
    const accepted = await bulk('cancel', body, key);
    expect(accepted).toMatchObject({ kind: 'cancel', state: 'running' });
    expect(accepted.matched).toBeGreaterThan(0);
    const repeat = await postJson(`${app.baseUrl}/v1/bulk/cancel`, body, key);
    expect(repeat.status).toBe(202);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.body.operation_id).toBe(accepted.operation_id);
    expectErrorBody(await postJson(`${app.baseUrl}/v1/bulk/cancel`, { filter: { job_type: 'quote' } }, key), 409, 'IDEMPOTENCY_CONFLICT');

    const operation = await finished(accepted.operation_id);
    expect(operation).toMatchObject({ matched: accepted.matched, total: accepted.matched, done: accepted.matched, request: { filter: body.filter } });
    expect(operation.requested_by).toMatch(/^address:/);
    const ids = operation.all.map((item) => item.job_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(accepted.matched);
    expect(ids.every((id) => submitted.includes(id!))).toBe(true);
    for (const item of operation.all) expect(['cancelled', 'not_cancellable']).toContain(item.outcome);
    expect(operation.outcomes.cancelled).toBeGreaterThan(0);
    // Every job ends cancelled, unless it had finished before the action reached it; none was left out.
    for (const jobId of submitted) {
      const final = await waitForTerminal(app.baseUrl, jobId, 30_000);
      const item = operation.all.find((candidate) => candidate.job_id === jobId);
      if (item?.outcome === 'cancelled') expect(final).toMatchObject({ state: 'failed', error_code: 'CANCELLED' });
      else expect(final.state).toBe('completed');
    }

    // A second operation over the same jobs does no harm: each is found cancelled (or finished).
    const again = await finished((await bulk('cancel', { job_ids: submitted })).operation_id);
    for (const item of again.all) expect(['already_cancelled', 'not_cancellable']).toContain(item.outcome);
    expect(again.outcomes.already_cancelled).toBe(operation.outcomes.cancelled);
  }, 120_000);

  it('retries the failed jobs of a job type, once each, as new jobs', async () => {
    const from = new Date().toISOString();
    const failing = await submitBatch([weatherJob('Atlantis'), weatherJob('Atlantis'), { job_type: 'quote', payload: { tag: 'wisdom' } }]);
    for (const jobId of failing) await waitForTerminal(app.baseUrl, jobId, 30_000);
    const accepted = await bulk('retry', { filter: { job_type: 'weather', submitted_after: from } });
    expect(accepted.matched).toBe(2);
    const operation = await finished(accepted.operation_id);
    expect(operation.outcomes).toEqual({ retried: 2 });
    expect(operation.all.map((item) => item.job_id).sort()).toEqual(failing.slice(0, 2).sort());
    for (const item of operation.all) {
      expect(await waitForTerminal(app.baseUrl, item.new_job_id!, 30_000)).toMatchObject({ state: 'failed', retry_of: item.job_id, error_code: 'CITY_NOT_FOUND' });
      expect((await request(`${app.baseUrl}/v1/jobs/${item.job_id}/status`)).body.retries).toEqual([item.new_job_id]);
    }
    // A resume of a finished operation does nothing.
    const resumed = await postJson(`${app.baseUrl}/v1/bulk/${accepted.operation_id}/resume`, {});
    expect(resumed.body).toMatchObject({ resumed: false, state: 'finished' });
  }, 120_000);

  it('replays dead letters by filter and by job id: those that pass the contract run, the others say why', async () => {
    const dlq = deadLetterTopicFor(app.config.KAFKA_TOPIC_TEMPLATE);
    const quoteTopic = topicFor('quote', app.config.KAFKA_TOPIC_TEMPLATE);
    const good = [quoteMessage(), quoteMessage()];
    const bad = { ...quoteMessage(), payload: { tag: 42 } };
    for (const message of [...good, bad]) await app.adapters.queue.publish({ ...replayableDeadLetter(message as never, quoteTopic, 'an older contract'), topic: dlq });
    await waitFor(async () => {
      const listed = (await request(`${app.baseUrl}/v1/dead-letters?limit=100`)).body.items as Array<{ job_id?: string }>;
      return [...good, bad].every((m) => listed.some((l) => l.job_id === m.job_id)) ? true : undefined;
    }, { timeoutMs: 20_000, what: 'the dead letters listed' });

    const byId = await finished((await bulk('replay', { job_ids: [bad.job_id, good[0]!.job_id] })).operation_id);
    expect(Object.fromEntries(byId.all.map((item) => [item.job_id, item.outcome]))).toEqual({ [bad.job_id]: 'invalid', [good[0]!.job_id]: 'replayed' });
    expect(byId.all.find((item) => item.job_id === bad.job_id)?.dead_letter_id).toMatch(/^\d+-\d+$/);
    await waitForTerminal(app.baseUrl, good[0]!.job_id, 30_000);

    const byFilter = await finished((await bulk('replay', { filter: { job_type: 'quote', submitted_after: good[0]!.submitted_at } })).operation_id);
    const outcomes = Object.fromEntries(byFilter.all.map((item) => [item.job_id, item.outcome]));
    expect(outcomes).toMatchObject({ [good[0]!.job_id]: 'job_done', [good[1]!.job_id]: 'replayed', [bad.job_id]: 'invalid' });
    expect(await waitForTerminal(app.baseUrl, good[1]!.job_id, 30_000)).toMatchObject({ state: 'completed' });
    expect(DEAD_LETTER_HEADERS.reason).toBeDefined();
  }, 120_000);

  it('refuses a wrong request with 400 naming the field, an unknown operation with 404', async () => {
    const field = async (kind: string, body: unknown) => expectErrorBody(await postJson(`${app.baseUrl}/v1/bulk/${kind}`, body), 400, 'INVALID_BODY').details?.fields?.[0]?.field;
    expect(await field('cancel', {})).toBe('job_ids');
    expect(await field('cancel', { job_ids: [randomUUID()], filter: {} })).toBe('job_ids');
    expect(await field('cancel', { job_ids: [] })).toBe('job_ids');
    expect(await field('cancel', { job_ids: ['nope'] })).toMatch(/^job_ids/);
    expect(await field('cancel', { filter: { state: 'completed' } })).toBe('filter.state');
    expect(await field('retry', { filter: { state: 'queued' } })).toBe('filter.state');
    expect(await field('replay', { filter: { state: 'failed' } })).toBe('filter.state');
    expect(await field('cancel', { filter: { submitted_after: 'yesterday' } })).toBe('filter.submitted_after');
    expect(await field('cancel', [])).toBe('(body)');
    expectErrorBody(await request(`${app.baseUrl}/v1/bulk/${randomUUID()}`), 404, 'BULK_OPERATION_NOT_FOUND');
    expectErrorBody(await request(`${app.baseUrl}/v1/bulk/not-an-id`), 400, 'INVALID_OPERATION_ID');
    const unknownJob = await finished((await bulk('cancel', { job_ids: [randomUUID()] })).operation_id);
    expect(unknownJob.outcomes).toEqual({ not_found: 1 });
  }, 60_000);
});
