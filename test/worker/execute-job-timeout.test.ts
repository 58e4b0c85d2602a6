/**
 * A job's timeout in the executor, over in-memory stores: it covers every attempt of one delivery
 * (the retry policy runs inside it), and a handler that heeds its signal stops at the deadline.
 * The real-server test of a handler that ignores its signal is job-timeouts.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryResultStore, MemoryStatusStore } from '../../adapters/memory/index.js';
import { withResilience } from '../../adapters/resilience/resilient-handlers.js';
import { createJobHandlers } from '../../composition/job-handlers.js';
import { loadConfig } from '../../config/index.js';
import { DEFAULT_TOPIC_TEMPLATE, TIMEOUT_ERROR_CODE, type JobMessage } from '../../contracts/index.js';
import { encodeJobRecord, executeJobRecord, type ExecuteJobDeps } from '../../core/domain/index.js';
import { ProviderError } from '../../core/errors/index.js';
import type { DeliveredRecord, JobHandler } from '../../core/ports/index.js';
import { testLogger } from '../support/test-logger.js';

const weatherJob = (timeoutMs?: number): JobMessage => ({
  schema_version: '1.0',
  job_id: randomUUID(),
  job_type: 'weather',
  submitted_at: new Date().toISOString(),
  trace_id: randomUUID(),
  ...(timeoutMs !== undefined ? { timeout_ms: timeoutMs } : {}),
  payload: { city: 'Austin', country_code: 'US', units: 'metric' },
});

const record = (message: JobMessage): DeliveredRecord => ({ ...encodeJobRecord(message), partition: 0, offset: '0' });

function setup(weather: JobHandler) {
  const abandoned: string[] = [];
  const handlers = { ...createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0' }) }), weather };
  const deps: ExecuteJobDeps = {
    topicTemplate: DEFAULT_TOPIC_TEMPLATE,
    statuses: new MemoryStatusStore(),
    results: new MemoryResultStore(),
    handlers,
    now: () => new Date(),
    logger: testLogger(),
    timeouts: { defaultMs: 1_000, maxMs: 3_600_000 },
    events: { onHandlerAbandoned: (jobType) => abandoned.push(jobType) },
  };
  return { deps, abandoned };
}

describe('the timeout of a job', () => {
  it('covers every attempt of one delivery: retries stop at the deadline and the job fails TIMEOUT, once', async () => {
    let calls = 0;
    const failing: JobHandler = {
      jobType: 'weather',
      source: 'flaky',
      run: async () => {
        calls += 1;
        throw new ProviderError('PROVIDER_UNAVAILABLE', 'flaky is down', true);
      },
    };
    // Enough attempts and backoff to outlast the timeout many times over.
    const retried = withResilience(failing, { maxAttempts: 50, initialDelayMs: 200, maxDelayMs: 200, breakerThreshold: 1_000, breakerCooldownMs: 1_000 });
    const { deps, abandoned } = setup(retried);
    const message = weatherJob(1_000);

    const handled = await executeJobRecord(deps, record(message), new AbortController().signal);
    expect(handled.outcome).toMatchObject({ kind: 'failed', error: { code: TIMEOUT_ERROR_CODE, message: 'ran longer than its timeout of 1000 ms' } });
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(50);
    // The retry policy heeded the signal: nothing was left running.
    expect(abandoned).toEqual([]);
    expect(await deps.results.get(message.job_id)).toMatchObject({ final_state: 'failed', error: { code: 'TIMEOUT' } });
  });

  it('gives a message without timeout_ms its deployment default, and a handler that heeds its signal is not abandoned', async () => {
    const simulated = createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '600000' }) });
    const { deps, abandoned } = setup(simulated.weather);
    const handled = await executeJobRecord(deps, record(weatherJob()), new AbortController().signal);
    expect(handled.outcome).toMatchObject({ kind: 'failed', error: { code: TIMEOUT_ERROR_CODE, message: 'ran longer than its timeout of 1000 ms' } });
    expect(abandoned).toEqual([]);
  });
});
