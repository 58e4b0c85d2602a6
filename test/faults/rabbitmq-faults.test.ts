import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, StatusTimeoutError } from '../../core/errors/index.js';
import { RabbitProgressClient, RabbitProgressResponder } from '../../adapters/rabbitmq/index.js';
import { deleteRabbitQueues, TEST_RABBITMQ_URL } from '../support/services.js';
import { startFaultProxy, type FaultProxy } from '../../testkit/fault-proxy.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { deferred, outcomeWithin, waitFor } from '../support/wait-for.js';

const TIMEOUT_MS = 2_000;

describe('rabbitmq progress RPC through a network cut', () => {
  const requestQueue = uniqueName('progress.fault');
  const stuckJob = randomUUID();
  const release = deferred<void>();
  const events: string[] = [];
  let proxy: FaultProxy;
  let client: RabbitProgressClient;
  let responder: RabbitProgressResponder;

  beforeAll(async () => {
    const target = new URL(TEST_RABBITMQ_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5672) });
    const proxied = new URL(TEST_RABBITMQ_URL);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const common = { url: proxied.toString(), requestQueue, logger: testLogger(), reconnect: { initialMs: 50, maxMs: 500 } };
    responder = new RabbitProgressResponder({
      ...common,
      handler: async (request) => {
        if (request.job_id === stuckJob) await release.promise;
        return { job_id: request.job_id, state: 'running', progress_percent: 20, message: 'started', timestamp: new Date().toISOString() };
      },
      events: { onConnect: ({ reconnect }) => events.push(reconnect ? 'responder reconnected' : 'responder connected') },
    });
    client = new RabbitProgressClient({
      ...common,
      timeoutMs: TIMEOUT_MS,
      events: {
        onConnect: ({ reconnect }) => events.push(reconnect ? 'client reconnected' : 'client connected'),
        onDisconnect: () => events.push('client disconnected'),
      },
    });
    await responder.start();
    await client.start();
  });
  afterAll(async () => {
    release.resolve();
    await client.close();
    await responder.close();
    await proxy.close();
    await deleteRabbitQueues([requestQueue]);
  });

  it('fails fast while cut off, reports not ready, and both sides come back by themselves', async () => {
    expect(await client.request(randomUUID())).toMatchObject({ progress_percent: 20 });

    const inFlight = outcomeWithin(client.request(stuckJob), TIMEOUT_MS * 2);
    await waitFor(() => (responder.ready() ? true : undefined));
    proxy.cut();
    const stranded = await inFlight;
    expect(stranded).not.toBe('pending');
    const strandedError = (stranded as { error?: unknown }).error;
    expect(strandedError instanceof DependencyUnavailableError || strandedError instanceof StatusTimeoutError).toBe(true);

    await waitFor(() => (!client.ready() && !responder.ready() ? true : undefined), { what: 'both sides to notice the cut' });
    const whileDown = await outcomeWithin(client.request(randomUUID()), TIMEOUT_MS);
    expect((whileDown as { error?: unknown }).error).toBeInstanceOf(DependencyUnavailableError);

    release.resolve();
    proxy.restore();
    await waitFor(() => (client.ready() && responder.ready() ? true : undefined), { what: 'reconnection', timeoutMs: 20_000 });
    const jobId = randomUUID();
    expect(await client.request(jobId)).toMatchObject({ job_id: jobId, progress_percent: 20 });
    expect(events).toEqual(expect.arrayContaining(['client connected', 'client disconnected', 'client reconnected', 'responder reconnected']));
  });
});
