import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryDelayedJobStore, MemoryResultStore, MemoryStatusStore } from '../../adapters/memory/index.js';
import { createJobHandlers } from '../../composition/job-handlers.js';
import { loadConfig } from '../../config/index.js';
import { CANCEL_TOO_LATE_AT_PERCENT, DEFAULT_TOPIC_TEMPLATE, type JobMessage } from '../../contracts/index.js';
import { CANCELLED_ERROR_CODE, cancelJob, encodeJobRecord, executeJobRecord, type ExecuteJobDeps } from '../../core/domain/index.js';
import { JobNotCancellableError } from '../../core/errors/index.js';
import type { DeliveredRecord, JobHandler, JobHandlerRegistry, StatusWrite } from '../../core/ports/index.js';
import { testLogger } from '../support/test-logger.js';

const whenQueued = { message: 'cancelled', error_code: CANCELLED_ERROR_CODE, error_message: 'cancelled before it started' };
const tooLateAtPercent = CANCEL_TOO_LATE_AT_PERCENT;

/** A status store that can run a step (a cancel request) right after a given progress is written. */
class SteppingStatusStore extends MemoryStatusStore {
  readonly applied: StatusWrite[] = [];
  afterProgress: Map<number, () => Promise<unknown>> = new Map();
  override async write(status: StatusWrite) {
    const outcome = await super.write(status);
    if (outcome.applied) this.applied.push(status);
    if (status.state === 'running') await this.afterProgress.get(status.progress_percent)?.();
    return outcome;
  }
}

function setup() {
  const statuses = new SteppingStatusStore();
  const results = new MemoryResultStore();
  const simulated = createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0' }) });
  const calls: string[] = [];
  const weather: JobHandler = {
    ...simulated.weather,
    run: async (payload, context) => {
      calls.push(context.jobId);
      return simulated.weather.run(payload, context);
    },
  };
  const handlers: JobHandlerRegistry = { ...simulated, weather };
  const deps: ExecuteJobDeps = { topicTemplate: DEFAULT_TOPIC_TEMPLATE, statuses, results, handlers, now: () => new Date(), logger: testLogger() };
  return { deps, statuses, results, calls };
}

const weatherJob = (): JobMessage => ({
  schema_version: '1.0',
  job_id: randomUUID(),
  job_type: 'weather',
  submitted_at: new Date().toISOString(),
  trace_id: randomUUID(),
  payload: { city: 'Austin', country_code: 'US', units: 'metric' },
});

const record = (message: JobMessage): DeliveredRecord => ({ ...encodeJobRecord(message), partition: 0, offset: '0' });
const signal = new AbortController().signal;

async function queue(statuses: MemoryStatusStore, message: JobMessage) {
  await statuses.write({ job_id: message.job_id, state: 'queued', progress_percent: 0, message: 'queued', updated_at: message.submitted_at, submitted_at: message.submitted_at, job_type: 'weather', trace_id: message.trace_id });
}

describe('executing a cancelled job', () => {
  it('stores a CANCELLED result for a job cancelled while queued, commits it and never calls the provider', async () => {
    const { deps, statuses, results, calls } = setup();
    const message = weatherJob();
    await queue(statuses, message);
    await statuses.requestCancel(message.job_id, { requested_at: new Date().toISOString(), whenQueued, tooLateAtPercent });

    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.delivery).toEqual({ kind: 'done' });
    expect(handled.outcome).toMatchObject({ kind: 'failed', error: { code: CANCELLED_ERROR_CODE } });
    expect(calls).toEqual([]);
    expect(statuses.applied.filter((w) => w.state === 'running')).toEqual([]);
    expect(await results.get(message.job_id)).toMatchObject({ final_state: 'failed', output: null, error: { code: 'CANCELLED', message: 'cancelled before it started' } });
    expect(await statuses.get(message.job_id)).toMatchObject({ state: 'failed', progress_percent: 0, error_code: 'CANCELLED' });
  });

  it('ends a redelivered job cancelled while it ran where it had got to, and writes its final status', async () => {
    const { deps, statuses, results, calls } = setup();
    const message = weatherJob();
    await queue(statuses, message);
    // A worker reached 50 %, the job was cancelled, and the worker died before its next milestone.
    await statuses.write({ job_id: message.job_id, state: 'running', progress_percent: 50, message: 'calling', updated_at: new Date().toISOString() });
    await statuses.requestCancel(message.job_id, { requested_at: new Date().toISOString(), whenQueued, tooLateAtPercent });

    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.outcome).toMatchObject({ kind: 'failed', error: { code: CANCELLED_ERROR_CODE, message: 'cancelled at 50%' } });
    expect(calls).toEqual([]);
    expect(await statuses.get(message.job_id)).toMatchObject({ state: 'failed', progress_percent: 50, error_code: 'CANCELLED' });
    expect(await results.get(message.job_id)).toMatchObject({ final_state: 'failed', error: { message: 'cancelled at 50%' } });
  });

  it('ends a job cancelled after it started at its next milestone, before the provider call', async () => {
    const { deps, statuses, results, calls } = setup();
    const message = weatherJob();
    await queue(statuses, message);
    statuses.afterProgress.set(20, () => statuses.requestCancel(message.job_id, { requested_at: new Date().toISOString(), whenQueued, tooLateAtPercent }));

    await executeJobRecord(deps, record(message), signal);
    expect(calls).toEqual([]);
    expect(statuses.applied.map((w) => [w.state, w.progress_percent, w.error_code])).toEqual([
      ['queued', 0, undefined],
      ['running', 20, undefined],
      ['failed', 20, 'CANCELLED'],
    ]);
    expect(await statuses.get(message.job_id)).toMatchObject({ message: 'cancelled', error_message: 'cancelled at 20%' });
    expect(await results.get(message.job_id)).toMatchObject({ final_state: 'failed', error: { code: 'CANCELLED' } });
  });

  it('discards the output of a job cancelled during its provider call, and a replay of the record calls nothing', async () => {
    const { deps, statuses, results, calls } = setup();
    const message = weatherJob();
    await queue(statuses, message);
    statuses.afterProgress.set(50, () => statuses.requestCancel(message.job_id, { requested_at: new Date().toISOString(), whenQueued, tooLateAtPercent }));

    const handled = await executeJobRecord(deps, record(message), signal);
    expect(handled.outcome).toMatchObject({ kind: 'failed', error: { code: CANCELLED_ERROR_CODE, message: 'cancelled at 50%' } });
    expect(calls).toEqual([message.job_id]);
    expect(statuses.applied.at(-1)).toMatchObject({ state: 'failed', progress_percent: 50, error_code: 'CANCELLED' });
    expect(await results.get(message.job_id)).toMatchObject({ output: null, error: { code: 'CANCELLED' } });

    const again = await executeJobRecord(deps, record(message), signal);
    expect(again.outcome.kind).toBe('already-done');
    expect(calls).toEqual([message.job_id]);
  });

  it('refuses a cancel that comes after the 80% milestone (409, too late) and completes the job with its output', async () => {
    const { deps, statuses, results, calls } = setup();
    const message = weatherJob();
    await queue(statuses, message);
    let refused: unknown;
    statuses.afterProgress.set(80, () =>
      cancelJob({ statuses, results, delayed: new MemoryDelayedJobStore(), now: () => new Date(), logger: testLogger() }, message.job_id, randomUUID()).catch((error: unknown) => (refused = error)),
    );

    const handled = await executeJobRecord(deps, record(message), signal);
    expect(refused).toBeInstanceOf(JobNotCancellableError);
    expect((refused as JobNotCancellableError).message).toContain('too late to cancel');
    expect((refused as JobNotCancellableError).details).toEqual({ job_id: message.job_id, state: 'running' });
    expect(handled.outcome).toMatchObject({ kind: 'completed', error: null });
    expect(calls).toEqual([message.job_id]);
    expect(await statuses.get(message.job_id)).toMatchObject({ state: 'completed', progress_percent: 100 });
    expect((await statuses.get(message.job_id))?.cancel_requested_at).toBeUndefined();
    expect((await results.get(message.job_id))?.output).not.toBeNull();
  });
});
