import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckedCallbackTargets, createWebhookSender } from '../../adapters/webhooks/index.js';
import type { StoredWebhookDelivery } from '../../core/ports/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

const delivery = (callbackUrl: string): StoredWebhookDelivery => ({
  job_id: '00000000-0000-4000-8000-000000000001',
  webhook_id: 'msg_00000000-0000-4000-8000-000000000001',
  callback_url: callbackUrl,
  state: 'pending',
  attempts: 0,
  body: '{"type":"job.completed","data":{}}',
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('webhook sender', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => receiver?.close());

  it('connects to the address the host was checked at, whatever the name resolves to later, and signs the body', async () => {
    receiver = await startWebhookReceiver();
    let lookups = 0;
    // The first answer is the one checked and connected to; a rebinding resolver answers otherwise afterwards.
    const targets = new CheckedCallbackTargets({
      allowedHosts: ['hooks.rebind.test'],
      resolveHost: async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '10.9.9.9', family: 4 }],
    });
    const send = createWebhookSender({ secret: SECRET, targets, timeoutMs: 2_000 });
    const answer = await send(delivery(`http://hooks.rebind.test:${receiver.port}/pinned?x=1`));
    expect(answer).toEqual({ statusCode: 200 });
    expect(lookups).toBe(1);
    const [got] = receiver.at('/pinned?x=1');
    expect(got!.headers.host).toBe(`hooks.rebind.test:${receiver.port}`);
    expect(new Webhook(SECRET).verify(got!.body, got!.headers)).toEqual({ type: 'job.completed', data: {} });
  });

  it('answers a redirect with its status and does not follow it', async () => {
    receiver = await startWebhookReceiver();
    receiver.plan('/moved', () => ({ status: 307, headers: { location: receiver!.url('/landing') } }));
    const send = createWebhookSender({ secret: SECRET, targets: new CheckedCallbackTargets({ allowedHosts: ['127.0.0.1'] }), timeoutMs: 2_000 });
    expect(await send(delivery(receiver.url('/moved')))).toEqual({ statusCode: 307 });
    expect(receiver.at('/landing')).toEqual([]);
  });

  it('gives up an attempt at its deadline, and refuses a private address before connecting', async () => {
    receiver = await startWebhookReceiver();
    receiver.plan('/silent', () => 'hold');
    const send = createWebhookSender({ secret: SECRET, targets: new CheckedCallbackTargets({ allowedHosts: ['127.0.0.1'] }), timeoutMs: 300 });
    expect(await send(delivery(receiver.url('/silent')))).toEqual({ error: 'no answer within 300 ms' });
    const strict = createWebhookSender({ secret: SECRET, targets: new CheckedCallbackTargets(), timeoutMs: 2_000 });
    expect(await strict(delivery(receiver.url('/refused')))).toEqual({ error: expect.stringMatching(/^refused: callback_url names 127\.0\.0\.1, a loopback address/) });
    expect(receiver.at('/refused')).toEqual([]);
  });
});
