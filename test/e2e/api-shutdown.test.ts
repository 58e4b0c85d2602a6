import { existsSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weatherJob } from '../support/http-client.js';
import { REPO_ROOT, freePort, startNode, type RunningChild } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

const ALL_IN_ONE = join(REPO_ROOT, 'dist/all-in-one/main.js');

interface SlowSubmit {
  /** Resolves once the server has the request (its 100 Continue arrived). */
  accepted: Promise<void>;
  finish(): void;
  response: Promise<{ status: number; headers: IncomingMessage['headers']; body: any }>;
  request: ClientRequest;
}

/**
 * A submit whose body is held back: `Expect: 100-continue` makes the server answer 100 as soon
 * as it has dispatched the request, so the test knows the request is in flight; the body
 * follows when the test calls finish().
 */
function slowSubmit(port: number): SlowSubmit {
  const body = JSON.stringify(weatherJob('Draining City'));
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/jobs',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const accepted = new Promise<void>((resolve) => request.once('continue', () => resolve()));
  const response = new Promise<{ status: number; headers: IncomingMessage['headers']; body: any }>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      res.on('error', reject);
    });
  });
  request.flushHeaders();
  return { accepted, finish: () => request.end(body), response, request };
}

/** Resolves true when a TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

const parsed = (child: RunningChild) => child.lines.map((line) => JSON.parse(line) as Record<string, any>);
const phase = (child: RunningChild, name: string) => parsed(child).find((l) => l.phase === name);

async function startAllInOne(env: Record<string, string>): Promise<{ app: RunningChild; port: number; workerPort: number }> {
  if (!existsSync(ALL_IN_ONE)) throw new Error(`${ALL_IN_ONE} is missing: run npm run build first (npm test does)`);
  const port = await freePort();
  const workerPort = await freePort();
  const app = startNode(ALL_IN_ONE, { PORT: String(port), WORKER_METRICS_PORT: String(workerPort), SIMULATED_PROVIDER_DELAY_MS: '10', ...env });
  await app.waitForLine(/dtq ready/);
  return { app, port, workerPort };
}

/** Starts the process, puts a submit in flight, then sends SIGTERM. */
async function sigtermWithRequestInFlight(env: Record<string, string>) {
  const started = await startAllInOne(env);
  const slow = slowSubmit(started.port);
  slow.response.catch(() => {}); // some tests expect it to be cut
  await slow.accepted;
  started.app.child.kill('SIGTERM');
  return { ...started, slow };
}

describe('API host graceful shutdown (built npm start process)', () => {
  it('on SIGTERM refuses new connections, turns readiness off, answers the request in flight, then exits 0', async () => {
    const { app, port, workerPort, slow } = await sigtermWithRequestInFlight({ SHUTDOWN_TIMEOUT_MS: '20000' });
    try {
      await app.waitForLine(/shutdown: stop accepting done/);
      expect(phase(app, 'stop accepting')).toMatchObject({ in_flight_requests: 1 });

      await waitFor(async () => ((await refused(port)) ? true : undefined), { what: 'the API listener to close' });
      // The worker port stays up until the worker drains, and says it is out of rotation.
      const ready = await fetch(`http://127.0.0.1:${workerPort}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ not_ready: expect.arrayContaining(['shutting down']) });

      slow.finish();
      const answer = await slow.response;
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ job_type: 'weather', state: 'queued' });
      expect(answer.headers.connection).toBe('close');

      expect((await app.exited).code).toBe(0);
      expect(phase(app, 'drain http')).toMatchObject({ in_flight: 1, abandoned: 0 });
      for (const name of ['stop accepting', 'drain http', 'stop worker', 'close clients']) {
        expect(typeof phase(app, name)?.duration_ms, `phase ${name} logged with its duration`).toBe('number');
      }
      expect(parsed(app).some((l) => l.msg === 'shutdown complete')).toBe(true);
    } finally {
      await app.stop('SIGKILL');
    }
  });

  it('exits at once, with code 1, on a second signal during the drain', async () => {
    const { app } = await sigtermWithRequestInFlight({ SHUTDOWN_TIMEOUT_MS: '60000' });
    try {
      await app.waitForLine(/shutdown: stop accepting done/);
      app.child.kill('SIGTERM');
      expect((await app.exited).code).toBe(1);
      expect(parsed(app).some((l) => l.msg === 'second signal: exiting immediately')).toBe(true);
      expect(phase(app, 'drain http')).toBeUndefined();
    } finally {
      await app.stop('SIGKILL');
    }
  });

  it('cuts requests still open at SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const { app, slow } = await sigtermWithRequestInFlight({ SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      expect((await app.exited).code).toBe(0);
      expect(phase(app, 'drain http')).toMatchObject({ in_flight: 1, abandoned: 1 });
      await expect(slow.response).rejects.toThrow();
    } finally {
      await app.stop('SIGKILL');
    }
  });
});
