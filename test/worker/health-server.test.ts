import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer } from '../../worker/health-server.js';
import { request } from '../support/http-client.js';

describe('worker health port', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(notAlive: () => string[], notReady: () => Promise<string[]> = async () => []): Promise<string> {
    server = new HealthServer({ port: 0, host: '127.0.0.1', registry: new Registry(), notReady, notAlive });
    return `http://127.0.0.1:${await server.start()}`;
  }

  it('answers /healthz 200 while nothing has stopped for good, even when not ready', async () => {
    const base = await serve(() => [], async () => ['job consumer']);
    expect(await request(`${base}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await request(`${base}/readyz`)).toMatchObject({ status: 503, body: { not_ready: ['job consumer'] } });
  });

  it('fails /healthz once a part has stopped for good, so the orchestrator restarts the process', async () => {
    let dead: string[] = [];
    const base = await serve(() => dead);
    expect((await request(`${base}/healthz`)).status).toBe(200);
    dead = ['job consumer stopped for good'];
    expect(await request(`${base}/healthz`)).toMatchObject({ status: 503, body: { status: 'unavailable', not_alive: dead } });
  });
});
