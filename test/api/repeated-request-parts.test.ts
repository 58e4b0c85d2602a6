import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedApp, type EmbeddedApp } from '../support/embedded-app.js';

const KEY = 'repeated-parts-key-5e1b7c9d';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends a request line and header lines exactly as given (a header twice stays twice on the wire). */
function rawRequest(baseUrl: string, head: string[], body = ''): Promise<RawAnswer> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      const length = body ? [`content-length: ${Buffer.byteLength(body)}`] : [];
      socket.end(`${[...head, 'host: localhost', 'connection: close', ...length].join('\r\n')}\r\n\r\n${body}`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top = '', rest = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = top.split('\r\n');
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest });
    });
  });
}

describe('a header or query parameter given twice, on the fallback host', () => {
  let app: EmbeddedApp;

  beforeAll(async () => {
    app = await startEmbeddedApp({ API_KEYS: KEY });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reads x-api-key given twice as its values joined, which is no key (403), not as its first value', async () => {
    const answer = await rawRequest(app.baseUrl, ['GET /v1/jobs?limit=1 HTTP/1.1', `x-api-key: ${KEY}`, `x-api-key: ${KEY}`]);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.code).toBe('FORBIDDEN');
    const once = await rawRequest(app.baseUrl, ['GET /v1/jobs?limit=1 HTTP/1.1', `x-api-key: ${KEY}`]);
    expect(once.status).toBe(200);
  });

  it('takes a traceparent given twice for none: the request starts its own trace', async () => {
    const twice = await rawRequest(app.baseUrl, ['GET /v1/jobs?limit=1 HTTP/1.1', `x-api-key: ${KEY}`, `traceparent: ${TRACEPARENT}`, `traceparent: ${TRACEPARENT}`]);
    expect(twice.status).toBe(200);
    expect(twice.headers.get('x-trace-id')?.replaceAll('-', '')).not.toBe(TRACE_ID);
    const once = await rawRequest(app.baseUrl, ['GET /v1/jobs?limit=1 HTTP/1.1', `x-api-key: ${KEY}`, `traceparent: ${TRACEPARENT}`]);
    expect(once.headers.get('x-trace-id')?.replaceAll('-', '')).toBe(TRACE_ID);
  });

  it('refuses a list filter given twice, naming it, and takes a key sent twice in the query of an event route as its first', async () => {
    const listed = await rawRequest(app.baseUrl, ['GET /v1/jobs?state=queued&state=failed HTTP/1.1', `x-api-key: ${KEY}`]);
    expect(listed.status).toBe(400);
    expect(listed.body).toContain('state');
    // The stream itself never ends: a bad filter beside the key shows the key was accepted (400, not 401/403).
    const stream = await rawRequest(app.baseUrl, [`GET /v1/events?api_key=${KEY}&api_key=wrong&state=nonsense HTTP/1.1`]);
    expect(stream.status).toBe(400);
  });

});
