import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeJobRecord, encodeJobRecord } from '../../core/domain/index.js';
import type { JobMessage } from '../../contracts/index.js';

const TEMPLATE = 'jobs.%s.v1';

const message = (): JobMessage =>
  ({
    schema_version: '1.0',
    job_id: randomUUID(),
    trace_id: randomUUID(),
    job_type: 'weather',
    payload: { city: 'Zürich', country_code: 'CH', units: 'metric' },
    submitted_at: new Date().toISOString(),
    attempt: 1,
  }) as JobMessage;

describe('decoding a delivered job record', () => {
  it('gives the next decode of the record (the execution after the key-limit gate) the same message, and parses anew after that', () => {
    const sent = message();
    const record = encodeJobRecord(sent, TEMPLATE);
    const gate = decodeJobRecord(record, TEMPLATE);
    const execution = decodeJobRecord(record, TEMPLATE);
    expect(gate.ok && execution.ok).toBe(true);
    if (!gate.ok || !execution.ok) return;
    expect(execution.message).toBe(gate.message);
    // A handler that changed its payload: the next attempt decodes the record as it was sent.
    (execution.message.payload as Record<string, unknown>).city = 'changed';
    const nextAttempt = decodeJobRecord(record, TEMPLATE);
    expect(nextAttempt).toEqual({ ok: true, message: expect.objectContaining({ job_id: sent.job_id, payload: sent.payload }) });
  });

  it('checks the topic again when the next decode gives another template', () => {
    const record = { ...encodeJobRecord(message(), TEMPLATE), topic: 'jobs.weather.v1' };
    expect(decodeJobRecord(record).ok).toBe(true);
    expect(decodeJobRecord(record, 'run-1.jobs.%s.v1')).toEqual({ ok: false, reason: expect.stringContaining('it belongs on run-1.jobs.weather.v1') });
  });
});
