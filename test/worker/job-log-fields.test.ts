import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryResultStore, MemoryStatusStore } from '../../adapters/memory/index.js';
import { createJobHandlers } from '../../composition/job-handlers.js';
import { loadConfig } from '../../config/index.js';
import { formatTraceparent, uuidToTraceId } from '../../contracts/index.js';
import { encodeJobRecord, executeJobRecord } from '../../core/domain/index.js';
import type { StatusWrite } from '../../core/ports/index.js';
import { createLogger } from '../../telemetry/index.js';
import { startEmbeddedApp } from '../support/embedded-app.js';
import { postJson, weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

function capturingLogger() {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('log lines about a job carry job_id and trace_id on the failure paths too', () => {
  it('a record that breaks the contract is logged with its key and the trace id of its traceparent', async () => {
    const { logger, lines } = capturingLogger();
    const jobId = randomUUID();
    const traceId = randomUUID();
    const valid = encodeJobRecord(
      { schema_version: '1.0', job_id: jobId, job_type: 'quote', submitted_at: new Date().toISOString(), trace_id: traceId, payload: {} },
      undefined,
      { traceparent: formatTraceparent({ traceId: uuidToTraceId(traceId), parentId: 'a'.repeat(16), flags: 1 }) },
    );
    const broken = { ...valid, value: Buffer.from('{"job_type":"quote"'), partition: 0, offset: '7' };
    const deps = { topicTemplate: 'jobs.%s.v1', statuses: new MemoryStatusStore(), results: new MemoryResultStore(), handlers: createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: '0' }) }), now: () => new Date(), logger };
    const handled = await executeJobRecord(deps, broken, new AbortController().signal);
    expect(handled.delivery.kind).toBe('dead-letter');
    expect(lines.find((l) => l.msg.includes('dead-lettering'))).toMatchObject({ job_id: jobId, trace_id: traceId, offset: '7' });
  });

  it('a record whose handler fails because the status store fails is logged with the job id and trace id', async () => {
    const { logger, lines } = capturingLogger();
    const app = await startEmbeddedApp({}, { logger });
    try {
      // The store accepts the submit's "queued" write and fails the worker's progress writes.
      const write = app.adapters.statuses.write.bind(app.adapters.statuses);
      app.adapters.statuses.write = async (status: StatusWrite) => {
        if (status.state !== 'queued') throw new Error('status store is down');
        return write(status);
      };
      const submitted = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob());
      expect(submitted.status).toBe(202);
      const line = await waitFor(() => lines.find((l) => l.msg === 'job handler failed; the record is tried again unless that was its last attempt'), { what: 'the handler error line' });
      expect(line).toMatchObject({ job_id: submitted.body.job_id, trace_id: submitted.body.trace_id, err: { message: 'status store is down' } });
      app.adapters.statuses.write = write;
    } finally {
      await app.close();
    }
  });
});
