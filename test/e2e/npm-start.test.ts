import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENAMED_VARIABLES } from '../../config/index.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';

const ENTRY = join(REPO_ROOT, 'dist/all-in-one/main.js');

/** `npm start` runs `npm run build` then this entry point; the build ran before the tests. */
describe('npm start: the one-process runner on embedded defaults', () => {
  let app: RunningChild;
  let base: string;
  let workerPort: number;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first (npm test does)`);
    const port = await freePort();
    workerPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = startNode(ENTRY, { PORT: String(port), WORKER_METRICS_PORT: String(workerPort), SIMULATED_PROVIDER_DELAY_MS: '10' });
    await app.waitForLine(/dtq ready/);
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
  });

  it('says in its first log line where it serves, which adapter backs each port, and that the API is open', () => {
    const first = JSON.parse(app.lines[0]!) as { msg: string; adapters: Record<string, string>; auth: string };
    expect(first.msg).toContain(`http://localhost:${new URL(base).port}`);
    expect(first.msg).toMatch(/job_queue=in-memory.*status_store=in-memory.*result_store=in-memory.*progress_rpc=in-memory/);
    expect(first.msg).toContain('auth=open (no API_KEYS)');
    expect(first.auth).toBe('open (no API_KEYS)');
    expect(first.adapters).toMatchObject({ job_queue: 'in-memory', status_store: 'in-memory', result_store: 'in-memory', progress_rpc: 'in-memory' });
  });

  it('serves the API, the web page and the worker health port', async () => {
    const submitted = await postJson(`${base}/v1/jobs`, weatherJob());
    expect(submitted.status).toBe(202);
    expect(await waitForTerminal(base, submitted.body.job_id)).toMatchObject({ state: 'completed', progress_percent: 100 });
    expect((await request(`${base}/v1/jobs/${submitted.body.job_id}/result`)).body).toMatchObject({ final_state: 'completed' });
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="root">');
    expect((await request(`http://127.0.0.1:${workerPort}/healthz`)).status).toBe(200);
  });

  it('logs job lines with job_id and trace_id', async () => {
    const submitted = await postJson(`${base}/v1/jobs`, weatherJob('Logged City'));
    await waitForTerminal(base, submitted.body.job_id);
    const jobLines = app.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.job_id === submitted.body.job_id);
    expect(jobLines.length).toBeGreaterThanOrEqual(2);
    expect(jobLines.every((l) => l.trace_id === submitted.body.trace_id)).toBe(true);
  });

  it('continues a caller\'s W3C trace: the same trace id in the response, every job line and the result', async () => {
    const traceId = randomUUID();
    const traceparent = `00-${traceId.replaceAll('-', '')}-00f067aa0ba902b7-01`;
    const submitted = await postJson(`${base}/v1/jobs`, weatherJob('Traced City'), { traceparent });
    expect(submitted.body.trace_id).toBe(traceId);
    expect(submitted.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId.replaceAll('-', '')}-[0-9a-f]{16}-01$`));
    await waitForTerminal(base, submitted.body.job_id);
    const jobLines = app.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.job_id === submitted.body.job_id);
    expect(jobLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['job accepted', 'job running', 'job finished']));
    expect(jobLines.every((l) => l.trace_id === traceId)).toBe(true);
    expect((await request(`${base}/v1/jobs/${submitted.body.job_id}/result`)).body.trace_id).toBe(traceId);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const { code } = await app.stop('SIGTERM');
    expect(code).toBe(0);
    expect(app.lines.some((l) => l.includes('shutdown complete'))).toBe(true);
  });
});

describe('configuration is validated at start-up', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['REDIS_URL', 'http://wrong-scheme'],
    ['KAFKA_BROKERS', 'no port here'],
    ['WORKER_CONCURRENCY', '0'],
    ['API_KEYS_FILE', '/nonexistent/dtq-api-keys'],
  ])('%s=%s stops the process with a message naming the variable', async (variable, value) => {
    const child = startNode(ENTRY, { [variable]: value });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.stderr.join('\n')).toContain(variable);
  });

  it.each(Object.entries(RENAMED_VARIABLES))('%s, since renamed, stops the process with a message naming %s', async (old, renamed) => {
    const child = startNode(ENTRY, { [old]: '3000' });
    const { code } = await child.exited;
    expect(code).toBe(1);
    expect(child.stderr.join('\n')).toContain(`${old} is no longer read: it was renamed ${renamed}`);
  });
});
