// The fallback host reads the request target from the request line only and checks the Host
// header (RFC 9112 §3.2): a malformed one is the client's error, a 400 in dtq's error shape,
// never a 500 with a stack in the logs. Every answer, the host's own error answers included,
// is counted in dtq_api_http_requests_total, so the error-rate alert sees it.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../contracts/index.js';
import { createLogger } from '../../telemetry/index.js';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';
import { request } from '../support/http-client.js';

/** One raw HTTP/1.1 exchange: whatever Host the test wants, which fetch would never send. */
function rawRequest(port: number, lines: string[]): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${[...lines, 'connection: close'].join('\r\n')}\r\n\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body });
    });
  });
}

/** The requests counted so far with one status, summed over routes and methods. */
async function counted(app: EmbeddedApp, status: string): Promise<number> {
  const metric = await app.api.deps.metrics.httpRequests.get();
  return metric.values.filter((value) => value.labels.status === status).reduce((sum, value) => sum + value.value, 0);
}

describe('the Host header on the fallback host', () => {
  const logLines: string[] = [];
  let app: EmbeddedApp;
  let port: number;

  beforeAll(async () => {
    const logger = createLogger({ service: 'test', level: 'info', destination: { write: (line: string) => logLines.push(line) } });
    app = await startEmbeddedApp({}, { logger });
    port = Number(new URL(app.baseUrl).port);
  });
  afterAll(() => app?.close());

  it.each(['[', 'a b', '%', 'h:abc', 'x:99999', 'evil.com/x?'])('answers Host %j with a counted 400 INVALID_HOST, without a stack in the logs', async (host) => {
    const before = await counted(app, '400');
    const linesBefore = logLines.length;
    const answer = await rawRequest(port, ['GET /v1/jobs?limit=5 HTTP/1.1', `host: ${host}`]);
    expect(answer.status).toBe(400);
    const error = ErrorBodySchema.parse(JSON.parse(answer.body)).error;
    expect(error.code).toBe('INVALID_HOST');
    expect(error.message).toMatch(/Host header/);
    expect(answer.headers).toContain(`x-trace-id: ${error.trace_id}`);
    expect(await counted(app, '400')).toBe(before + 1);
    const newLines = logLines.slice(linesBefore).join('\n');
    expect(newLines).not.toMatch(/"stack"|"level":"error"/);
  });

  it('serves a well-formed Host, with or without a port, and never reads the query from it', async () => {
    for (const host of ['localhost', `127.0.0.1:${port}`, '[::1]:8080', 'dtq.example.com']) {
      const answer = await rawRequest(port, ['GET /v1/jobs?limit=1 HTTP/1.1', `host: ${host}`]);
      expect(answer.status, host).toBe(200);
    }
  });

  it('counts the answers the host gives itself: no route, wrong method, a body too large', async () => {
    const before = { 404: await counted(app, '404'), 405: await counted(app, '405'), 413: await counted(app, '413') };
    expect((await request(`${app.baseUrl}/v1/no-such-route`)).status).toBe(404);
    expect((await request(`${app.baseUrl}/v1/stats`, { method: 'DELETE' })).status).toBe(405);
    const big = await request(`${app.baseUrl}/v1/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(await counted(app, '404')).toBe(before[404] + 1);
    expect(await counted(app, '405')).toBe(before[405] + 1);
    expect(await counted(app, '413')).toBe(before[413] + 1);
    const text = await (await fetch(`${app.baseUrl}/metrics`)).text();
    expect(text).toMatch(/dtq_api_http_requests_total\{route="\(no route\)",method="GET",status="404"\} \d+/);
  });

  it('answers a request line Node cannot parse with a counted 400 in dtq\'s error shape', async () => {
    const before = await counted(app, '400');
    const answer = await rawRequest(port, ['GET /v1/jobs HTTP/1.1', 'host: localhost', 'bad header line']);
    expect(answer.status).toBe(400);
    expect(ErrorBodySchema.parse(JSON.parse(answer.body)).error.code).toBe('INVALID_REQUEST');
    expect(await counted(app, '400')).toBe(before + 1);
  });
});
