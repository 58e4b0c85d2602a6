import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryResultStore, MemoryStatusStore } from '../../adapters/memory/index.js';
import { createJobHandlers } from '../../composition/job-handlers.js';
import { loadConfig } from '../../config/index.js';
import { DEFAULT_TOPIC_TEMPLATE, JOB_MESSAGE_HEADERS, type JobMessage } from '../../contracts/index.js';
import { encodeJobRecord, executeJobRecord, type ExecuteJobDeps } from '../../core/domain/index.js';
import type { DeliveredRecord, StatusWrite } from '../../core/ports/index.js';
import { testLogger } from '../support/test-logger.js';

/** A status store that remembers every write it applied, in order. */
class RecordingStatusStore extends MemoryStatusStore {
  readonly applied: StatusWrite[] = [];
  override async write(status: StatusWrite) {
    const outcome = await super.write(status);
    if (outcome.applied) this.applied.push(status);
    return outcome;
  }
}

/** A result store that counts the reads it answered. */
class CountingResultStore extends MemoryResultStore {
  reads = 0;
  override async get(jobId: string) {
    this.reads++;
    return super.get(jobId);
  }
}

function setup() {
  const statuses = new RecordingStatusStore();
  const results = new CountingResultStore();
  const deps: ExecuteJobDeps = { topicTemplate: DEFAULT_TOPIC_TEMPLATE, statuses, results, handlers: createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0' }) }), now: () => new Date(), logger: testLogger() };
  return { deps, statuses, results };
}

function record(message: JobMessage | Record<string, unknown>, overrides: Partial<DeliveredRecord> = {}): DeliveredRecord {
  const base = encodeJobRecord(message as JobMessage);
  return { ...base, partition: 0, offset: '0', ...overrides };
}

const weather = (city = 'Austin'): JobMessage => ({
  schema_version: '1.0',
  job_id: randomUUID(),
  job_type: 'weather',
  submitted_at: new Date().toISOString(),
  trace_id: randomUUID(),
  payload: { city, country_code: 'US', units: 'metric' },
});

const signal = new AbortController().signal;

describe('executing a job record', () => {
  it('moves through running 20 → 50 → 80 → completed 100 and stores one result', async () => {
    const { deps, statuses, results } = setup();
    const message = weather();
    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.delivery).toEqual({ kind: 'done' });
    expect(statuses.applied.map((w) => [w.state, w.progress_percent])).toEqual([
      ['running', 20],
      ['running', 50],
      ['running', 80],
      ['completed', 100],
    ]);
    expect(statuses.applied.every((w) => w.job_id === message.job_id && w.trace_id === message.trace_id)).toBe(true);
    expect(await results.get(message.job_id)).toMatchObject({ final_state: 'completed', trace_id: message.trace_id, input: message.payload });
  });

  it('does not execute a replayed job whose result exists, and re-asserts its final status', async () => {
    const { deps, statuses, results } = setup();
    const message = weather();
    await executeJobRecord(deps, record(message), signal);
    const before = await results.get(message.job_id);
    statuses.applied.length = 0;
    const replay = await executeJobRecord(deps, record(message), signal);
    expect(replay.outcome.kind).toBe('already-done');
    expect(statuses.applied.map((w) => w.progress_percent)).toEqual([]);
    expect(await results.get(message.job_id)).toEqual(before);
  });

  it('reads no result before the first delivery of a job whose status is still queued', async () => {
    const { deps, results } = setup();
    const message = weather();
    await deps.statuses.write({ job_id: message.job_id, state: 'queued', progress_percent: 0, message: 'queued', updated_at: message.submitted_at });
    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.outcome.kind).toBe('completed');
    expect(results.reads).toBe(0);
  });

  it('does not execute a redelivered job whose result was stored before its final status was written', async () => {
    const { deps, statuses, results } = setup();
    const message = weather();
    // A worker got as far as saving the result, then died before the final status write.
    await deps.statuses.write({ job_id: message.job_id, state: 'running', progress_percent: 80, message: 'storing result', updated_at: new Date().toISOString() });
    const stored = { schema_version: '1.0' as const, job_id: message.job_id, job_type: message.job_type, input: message.payload, output: { first: 'run' }, final_state: 'completed' as const, started_at: message.submitted_at, completed_at: new Date().toISOString(), error: null, trace_id: message.trace_id };
    await results.save(stored);
    statuses.applied.length = 0;
    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.outcome.kind).toBe('already-done');
    expect(statuses.applied.map((w) => [w.state, w.progress_percent])).toEqual([['completed', 100]]);
    expect(await results.get(message.job_id)).toEqual(stored);
  });

  it('fails the job with the provider error code when the provider fails permanently', async () => {
    const { deps, statuses, results } = setup();
    const message = weather('Atlantis');
    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.outcome).toMatchObject({ kind: 'failed', error: { code: 'CITY_NOT_FOUND' } });
    expect(statuses.applied.at(-1)).toMatchObject({ state: 'failed', progress_percent: 50, error_code: 'CITY_NOT_FOUND' });
    expect(await results.get(message.job_id)).toMatchObject({ final_state: 'failed', output: null, error: { code: 'CITY_NOT_FOUND' } });
  });

  it('words an unexpected handler error for clients and keeps its message out of status and result', async () => {
    const { deps, statuses, results } = setup();
    const internal = 'connect ECONNREFUSED 10.0.0.7:5432 at Socket.<anonymous> (/srv/app/node_modules/pg/lib/client.js:132:7)';
    const failing: ExecuteJobDeps = {
      ...deps,
      handlers: { ...deps.handlers, weather: { ...deps.handlers.weather, run: async () => { throw new TypeError(internal); } } },
    };
    const message = weather();
    await executeJobRecord(failing, record(message), signal);
    const words = `${deps.handlers.weather.source} failed unexpectedly; the trace id identifies the cause in the worker's logs`;
    expect(statuses.applied.at(-1)).toMatchObject({ state: 'failed', error_code: 'PROVIDER_FAILED', error_message: words });
    expect(await results.get(message.job_id)).toMatchObject({ error: { code: 'PROVIDER_FAILED', message: words } });
  });

  it.each([
    ['a value that is not JSON', { value: Buffer.from('{nope') }, 'value is not JSON'],
    ['a message missing job_id', { value: Buffer.from(JSON.stringify({ ...weather(), job_id: undefined })) }, 'job_id'],
    ['an unknown job type', { value: Buffer.from(JSON.stringify({ ...weather(), job_type: 'email' })) }, 'job_type'],
    ['a payload breaking its schema', { value: Buffer.from(JSON.stringify({ ...weather(), payload: { city: 'X' } })) }, 'payload'],
    ['a non-JSON content type', { headers: { ...JOB_MESSAGE_HEADERS, 'content-type': 'text/plain' } }, 'content-type'],
    ['a weather job on the quote topic', { topic: 'jobs.quote.v1' }, 'a weather job on topic jobs.quote.v1; it belongs on jobs.weather.v1'],
    ['a payload with a __proto__ key', { value: Buffer.from(JSON.stringify(weather()).replace('"units":"metric"', '"units":"metric","__proto__":{"admin":true}')) }, 'payload.__proto__'],
  ])('dead-letters %s without touching the stores', async (_name, overrides, reason) => {
    const { deps, statuses } = setup();
    const handled = await executeJobRecord(deps, record(weather(), overrides as Partial<DeliveredRecord>), signal);
    expect(handled.delivery.kind).toBe('dead-letter');
    expect(handled.delivery.kind === 'dead-letter' && handled.delivery.reason).toContain(reason);
    expect(statuses.applied).toEqual([]);
  });

  it('lets a store failure propagate so the record stays uncommitted', async () => {
    const { deps } = setup();
    const failing: ExecuteJobDeps = {
      ...deps,
      results: { ...deps.results, get: deps.results.get.bind(deps.results), save: async () => { throw new Error('mongo down'); }, list: deps.results.list.bind(deps.results), close: async () => {} },
    };
    await expect(executeJobRecord(failing, record(weather()), signal)).rejects.toThrow('mongo down');
  });
});
