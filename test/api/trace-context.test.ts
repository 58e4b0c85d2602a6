import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_TOPIC, JobMessageHeadersSchema, formatTraceparent, parseTraceparent, uuidToTraceId } from '../../contracts/index.js';
import { jobTopics } from '../../core/domain/index.js';
import type { DeliveredRecord, JobConsumer } from '../../core/ports/index.js';
import { createLogger } from '../../telemetry/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const spanId = () => randomBytes(8).toString('hex');

/** A trace id whose 8-4-4-4-12 form is not a UUID v4 (version nibble 1). */
function nonV4TraceId(): string {
  const hex = randomBytes(16).toString('hex').split('');
  hex[12] = '1';
  return hex.join('');
}

describe('W3C trace context: one trace id from the HTTP request to the result', () => {
  let app: EmbeddedApp;
  const lines: Array<Record<string, unknown>> = [];
  const records = new Map<string, DeliveredRecord>();
  let probe: JobConsumer;

  beforeAll(async () => {
    const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
    app = await startEmbeddedApp({}, { logger });
    // A second consumer group sees every job record as the worker's group does.
    probe = app.adapters.queue.createConsumer({
      groupId: uniqueName('trace-probe'),
      topics: jobTopics(app.config.KAFKA_TOPIC_TEMPLATE),
      concurrency: 4,
      deadLetterTopic: DEAD_LETTER_TOPIC,
      handler: async (record) => {
        if (record.key) records.set(record.key, record);
        return { kind: 'done' };
      },
    });
    await probe.start();
  });
  afterAll(async () => {
    await probe?.close();
    await app?.close();
  });

  const recordOf = (jobId: string) => waitFor(() => records.get(jobId), { what: `the job record of ${jobId}` });
  const linesOf = (jobId: string) => lines.filter((l) => l.job_id === jobId);

  it('continues an incoming traceparent whose trace id is a UUID v4', async () => {
    const traceId = randomUUID();
    const callerSpan = spanId();
    const traceparent = `00-${uuidToTraceId(traceId)}-${callerSpan}-01`;
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Traced City'), { traceparent, tracestate: 'vendor=abc' });
    expect(submitted.status).toBe(202);
    expect(submitted.body.trace_id).toBe(traceId);
    expect(submitted.headers.get('x-trace-id')).toBe(traceId);
    const answered = parseTraceparent(submitted.headers.get('traceparent'));
    expect(answered).toMatchObject({ traceId: uuidToTraceId(traceId), flags: 1 });
    expect(answered!.parentId).not.toBe(callerSpan);

    const jobId = submitted.body.job_id as string;
    const record = await recordOf(jobId);
    expect(JobMessageHeadersSchema.parse(record.headers)).toMatchObject({ 'content-type': 'application/json', 'schema-version': '1.0', tracestate: 'vendor=abc' });
    expect(parseTraceparent(record.headers.traceparent)?.traceId).toBe(uuidToTraceId(traceId));
    expect(record.headers['dtq-parent-traceparent']).toBeUndefined();
    expect(JSON.parse(record.value.toString()).trace_id).toBe(traceId);

    await waitForTerminal(app.baseUrl, jobId);
    const result = await request(`${app.baseUrl}/v1/jobs/${jobId}/result`);
    expect(result.body.trace_id).toBe(traceId);
    const workerLines = linesOf(jobId).filter((l) => l.component === 'worker');
    expect(workerLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['job running', 'job finished']));
    expect(linesOf(jobId).every((l) => l.trace_id === traceId)).toBe(true);
  });

  it('starts a fresh UUID v4 trace for a traceparent it cannot continue, and records that parent', async () => {
    const foreign = formatTraceparent({ traceId: nonV4TraceId(), parentId: spanId(), flags: 1 });
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Foreign Trace'), { traceparent: foreign });
    expect(submitted.status).toBe(202);
    const traceId = submitted.body.trace_id as string;
    expect(traceId).toMatch(UUID_V4);
    expect(uuidToTraceId(traceId)).not.toBe(parseTraceparent(foreign)!.traceId);
    expect(parseTraceparent(submitted.headers.get('traceparent'))?.traceId).toBe(uuidToTraceId(traceId));

    const jobId = submitted.body.job_id as string;
    const record = await recordOf(jobId);
    expect(record.headers['dtq-parent-traceparent']).toBe(foreign);
    expect(parseTraceparent(record.headers.traceparent)?.traceId).toBe(uuidToTraceId(traceId));
    await waitForTerminal(app.baseUrl, jobId);
    const accepted = linesOf(jobId).find((l) => l.msg === 'job accepted');
    expect(accepted).toMatchObject({ trace_id: traceId, parent_traceparent: foreign });
    const finished = linesOf(jobId).find((l) => l.msg === 'job finished');
    expect(finished).toMatchObject({ trace_id: traceId, parent_traceparent: foreign });
  });

  it.each([
    ['garbage', 'not a traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${'a'.repeat(16)}-01`],
    ['uppercase hex', `00-${uuidToTraceId(randomUUID()).toUpperCase()}-${'A'.repeat(16)}-01`],
    ['version ff', `ff-${uuidToTraceId(randomUUID())}-${'a'.repeat(16)}-01`],
    ['a version-00 header with extra fields', `00-${uuidToTraceId(randomUUID())}-${'a'.repeat(16)}-01-extra`],
    ['a very long value', 'x'.repeat(8000)],
  ])('ignores a malformed traceparent (%s): the request is served under a fresh trace id', async (_name, traceparent) => {
    const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob(), { traceparent });
    expect(submitted.status).toBe(202);
    expect(submitted.body.trace_id).toMatch(UUID_V4);
    const record = await recordOf(submitted.body.job_id);
    expect(record.headers['dtq-parent-traceparent']).toBeUndefined();
    expect((await request(`${app.baseUrl}/healthz`, { headers: { traceparent } })).status).toBe(200);
  });

  it('carries the trace on every route, errors included', async () => {
    const traceId = randomUUID();
    const traceparent = `00-${uuidToTraceId(traceId)}-${spanId()}-00`;
    const missing = await request(`${app.baseUrl}/v1/jobs/${randomUUID()}/status`, { headers: { traceparent } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.trace_id).toBe(traceId);
    expect(missing.headers.get('x-trace-id')).toBe(traceId);
    // An unsampled caller stays unsampled.
    expect(missing.headers.get('traceparent')).toMatch(new RegExp(`^00-${uuidToTraceId(traceId)}-[0-9a-f]{16}-00$`));
    // Errors the host finds before any route (no route, wrong method) carry it too.
    for (const init of [{ path: '/v2/nothing', method: 'GET' }, { path: '/v1/jobs', method: 'DELETE' }]) {
      const refused = await request(`${app.baseUrl}${init.path}`, { method: init.method, headers: { traceparent } });
      expect(refused.status).toBeGreaterThanOrEqual(404);
      expect(refused.body.error.trace_id).toBe(traceId);
      expect(refused.headers.get('traceparent')).toContain(uuidToTraceId(traceId));
    }
  });
});

describe('traceparent parsing', () => {
  it('reads future versions by their first four fields, as the spec asks', () => {
    const traceId = uuidToTraceId(randomUUID());
    expect(parseTraceparent(`01-${traceId}-${'b'.repeat(16)}-03-whatever`)).toEqual({ traceId, parentId: 'b'.repeat(16), flags: 3 });
    expect(formatTraceparent({ traceId, parentId: 'b'.repeat(16), flags: 3 })).toBe(`00-${traceId}-${'b'.repeat(16)}-03`);
  });
});
