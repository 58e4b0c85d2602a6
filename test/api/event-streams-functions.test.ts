import { randomUUID } from 'node:crypto';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { buildApi, type BuiltApi } from '../../composition/build-api.js';
import { createAdapters, type PortAdapters } from '../../composition/create-adapters.js';
import { EventOutbox, type EventStreamBody, type OutboxEnd } from '../../api/events/event-outbox.js';
import { functionRegistrations } from '../../functions/functions-registration.js';
import { ROUTES } from '../../api/route-table.js';
import { testLogger } from '../support/test-logger.js';

const { HttpRequest, InvocationContext } = azureFunctions;

/** Reads a stream body to its end, as text. */
async function readAll(body: EventStreamBody): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let read = await reader.read(); !read.done; read = await reader.read()) text += decoder.decode(read.value, { stream: true });
  return text;
}

/** The event routes as the Functions host registers and calls them: a handler answering a stream body. */
describe('event routes under the Functions registration (HTTP streams)', () => {
  let adapters: PortAdapters;
  let api: BuiltApi;
  const call = (name: string, init: ConstructorParameters<typeof HttpRequest>[0]) => {
    const registration = functionRegistrations(ROUTES, api).find((r) => r.name === name)!;
    return registration.options.handler(new HttpRequest(init), new InvocationContext({ functionName: name, logHandler: () => {} }));
  };

  beforeAll(() => {
    const config = loadConfig({ LOG_LEVEL: 'silent', EVENT_STREAM_HEARTBEAT_MS: '50' });
    adapters = createAdapters(config, testLogger());
    api = buildApi({ config, adapters, logger: testLogger() });
  });
  afterAll(async () => {
    await api.close();
    await adapters.close();
  });

  it('registers both event routes, and answers a finished job with a text/event-stream body that ends after its final event', async () => {
    expect(functionRegistrations(ROUTES, api).map((r) => r.options.route)).toEqual(expect.arrayContaining(['v1/jobs/{job_id}/events', 'v1/events']));
    const jobId = randomUUID();
    const at = new Date().toISOString();
    await adapters.statuses.write({ job_id: jobId, state: 'queued', progress_percent: 0, message: 'queued', updated_at: at, job_type: 'quote', submitted_at: at });
    await adapters.statuses.write({ job_id: jobId, state: 'completed', progress_percent: 100, message: 'completed', updated_at: at });
    const response = await call('job-events-get', { method: 'GET', url: `http://localhost/v1/jobs/${jobId}/events`, params: { job_id: jobId } });
    expect(response.status).toBe(200);
    expect((response.headers as Record<string, string>)['content-type']).toBe('text/event-stream; charset=utf-8');
    const text = await readAll(response.body as EventStreamBody);
    expect(text).toMatch(/^retry: 1000\n\nid: \d+-\d+\nevent: status\ndata: \{.*"state":"completed".*\}\n\n$/);
  });

  it('answers a bad Last-Event-ID with 400 naming it', async () => {
    const jobId = randomUUID();
    const response = await call('job-events-get', { method: 'GET', url: `http://localhost/v1/jobs/${jobId}/events`, params: { job_id: jobId }, headers: { 'last-event-id': 'nope' } });
    expect(response.status).toBe(400);
    expect(JSON.stringify((response as { jsonBody?: unknown }).jsonBody)).toContain('Last-Event-ID');
  });
});

/** The bound on what a slow reader costs: nothing leaves until the transport reads, and what waits is capped. */
describe('event outbox', () => {
  const outbox = (mode: 'every-event' | 'latest-per-key') => {
    const ends: OutboxEnd[] = [];
    let replaced = 0;
    const box = new EventOutbox({ mode, maxPending: 3, onEnd: (reason) => ends.push(reason), onReplaced: () => replaced++ });
    return { box, ends, replaced: () => replaced };
  };

  it('keeps only the newest frame per job for a reader that has not read (latest-per-key)', async () => {
    const { box, replaced } = outbox('latest-per-key');
    box.push('a1 ', 'a');
    box.push('b1 ', 'b');
    box.push('a2 ', 'a');
    box.end('shutdown');
    expect(await readAll(box.body)).toBe('b1 a2 ');
    expect(replaced()).toBe(1);
  });

  it('cuts an every-event stream whose reader falls further behind than its bound, dropping what waits', async () => {
    const { box, ends } = outbox('every-event');
    for (let i = 0; i < 4; i++) box.push(`e${i} `);
    expect(ends).toEqual(['slow']);
    await expect(readAll(box.body)).rejects.toThrow(/fell too far behind/);
    expect(box.push('more')).toBe(false);
  });

  it('sends a heartbeat only when nothing else waits', async () => {
    const { box } = outbox('every-event');
    box.push('x ');
    box.heartbeat();
    box.end('final');
    expect(await readAll(box.body)).toBe('x ');
  });
});
