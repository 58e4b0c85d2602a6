import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  JOB_MESSAGE_HEADERS,
  JobMessageHeadersSchema,
  JobMessageSchema,
  JobResultDocumentSchema,
  ProgressReplySchema,
  ProgressRequestSchema,
  StatusHashSchema,
  checkProgressReply,
  hashToStatus,
  renderJsonSchemas,
  renderOpenApi,
  statusToHash,
} from '../../contracts/index.js';

const example = async (name: string) =>
  JSON.parse(await readFile(new URL(`./examples/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('contracts: the Week 1 brief examples', () => {
  it('validate against the schemas', async () => {
    expect(JobMessageSchema.safeParse(await example('kafka-job-message')).success).toBe(true);
    expect(JobMessageHeadersSchema.safeParse(JOB_MESSAGE_HEADERS).success).toBe(true);
    const { _id, ...result } = await example('mongo-job-result');
    expect(_id).toBeDefined();
    expect(JobResultDocumentSchema.strict().safeParse(result).success).toBe(true);
    expect(ProgressRequestSchema.strict().safeParse(await example('rabbitmq-progress-request')).success).toBe(true);
    expect(ProgressReplySchema.strict().safeParse(await example('rabbitmq-progress-reply')).success).toBe(true);
    expect(StatusHashSchema.strict().safeParse(await example('redis-status-hash')).success).toBe(true);
  });

  it('reject what the brief rules out', async () => {
    const message = await example('kafka-job-message');
    const bad = [
      { ...message, job_id: '6aab8fca-7059-10c4-97d4-53f55fd5bf67' },
      { ...message, job_type: 'email' },
      { ...message, submitted_at: '2026-02-14T15:12:04+02:00' },
      { ...message, payload: { city: 'Austin', country_code: 'US', units: 'kelvin' } },
      { ...message, trace_id: undefined },
    ];
    for (const candidate of bad) expect(JobMessageSchema.safeParse(candidate).success).toBe(false);
    expect(StatusHashSchema.safeParse({ ...(await example('redis-status-hash')), progress_percent: '101' }).success).toBe(false);
  });

  it('converts a status to the Redis hash of strings and back', async () => {
    const hash = await example('redis-status-hash');
    const status = hashToStatus(hash as Record<string, string>);
    expect(status.progress_percent).toBe(50);
    expect(statusToHash(status)).toEqual(hash);
  });

  it('checks a progress reply as the status or the error it says it is', async () => {
    const reply = (await example('rabbitmq-progress-reply')) as Record<string, unknown>;
    const error = { job_id: reply.job_id, error: { code: 'JOB_NOT_FOUND', message: 'job was not found' }, timestamp: reply.timestamp };
    expect(checkProgressReply(reply)).toMatchObject({ success: true, data: reply });
    expect(checkProgressReply(error)).toMatchObject({ success: true, data: error });
    expect(checkProgressReply({ ...reply, progress_percent: 101 }).success).toBe(false);
    expect(checkProgressReply({ ...error, error: { code: 'NOPE', message: 'x' } }).success).toBe(false);
    // A status with a malformed error is an error reply that breaks the contract, not a status.
    expect(checkProgressReply({ ...reply, error: 'broken' }).success).toBe(false);
    for (const body of [null, 'text', 42, []]) expect(checkProgressReply(body).success).toBe(false);
  });

  it('keeps that a job has a webhook in one short hash field, and nothing for a job without one', async () => {
    const hash = (await example('redis-status-hash')) as Record<string, string>;
    const hooked = { ...hashToStatus(hash), has_webhook: true };
    expect(statusToHash(hooked)).toEqual({ ...hash, wh: '1' });
    expect(hashToStatus({ ...hash, wh: '1' })).toEqual(hooked);
    expect(statusToHash({ ...hooked, has_webhook: false })).toEqual(hash);
    expect(hashToStatus(hash).has_webhook).toBeUndefined();
  });
});

describe('contracts: generated JSON Schema', () => {
  it('matches the checked-in files (run `npm run contracts:generate` after changing a schema)', async () => {
    const dir = new URL('../../contracts/json-schema/', import.meta.url);
    const rendered = renderJsonSchemas();
    const onDisk = (await readdir(dir)).filter((f) => f !== 'openapi.json').sort();
    expect(onDisk).toEqual(Object.keys(rendered).sort());
    for (const [name, text] of Object.entries(rendered)) {
      expect(await readFile(new URL(name, dir), 'utf8'), `${name} is stale`).toBe(text);
    }
    expect(await readFile(new URL('openapi.json', dir), 'utf8'), 'openapi.json is stale').toBe(renderOpenApi());
  });
});
