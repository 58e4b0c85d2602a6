import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressErrorReplySchema, ProgressReplySchema } from '../../contracts/index.js';
import type { ProgressRequestHandler, ProgressResponderEvents } from '../../core/ports/index.js';
import { RabbitProgressClient, RabbitProgressResponder } from '../../adapters/rabbitmq/index.js';
import { deleteRabbitQueues, TEST_RABBITMQ_URL } from '../support/services.js';
import { testLogger } from '../support/test-logger.js';
import { uniqueName } from '../support/unique.js';
import { waitFor } from '../support/wait-for.js';
import { describeProgressRpcConformance } from './progress-rpc.suite.js';

const logger = testLogger();
const reconnect = { initialMs: 50, maxMs: 500 };

describeProgressRpcConformance('rabbitmq', async () => {
  const requestQueue = uniqueName('progress.test');
  const closers: Array<() => Promise<void>> = [];
  return {
    client: async (options) => {
      const client = new RabbitProgressClient({ url: TEST_RABBITMQ_URL, requestQueue, timeoutMs: options?.timeoutMs ?? 2_000, logger, reconnect });
      closers.push(() => client.close());
      await client.start();
      return client;
    },
    responder: async (handler) => {
      const responder = new RabbitProgressResponder({ url: TEST_RABBITMQ_URL, requestQueue, handler, logger, reconnect });
      closers.push(() => responder.close());
      return responder;
    },
    cleanup: async () => {
      for (const close of closers.reverse()) await close();
      await deleteRabbitQueues([requestQueue]);
    },
  };
});

const answerRunning: ProgressRequestHandler = async (request) => ({
  job_id: request.job_id,
  state: 'running',
  progress_percent: 50,
  message: 'calling provider',
  timestamp: new Date().toISOString(),
});

describe('rabbitmq progress responder: the wire contract', () => {
  const requestQueue = uniqueName('progress.test');
  const dropped: string[] = [];
  let handled = 0;
  let responder: RabbitProgressResponder;
  let connection: ChannelModel;
  let channel: Channel;
  let replyQueue: string;
  const replies: ConsumeMessage[] = [];

  beforeAll(async () => {
    const events: ProgressResponderEvents = { onRequestDropped: (reason) => dropped.push(reason) };
    responder = new RabbitProgressResponder({
      url: TEST_RABBITMQ_URL,
      requestQueue,
      logger,
      reconnect,
      events,
      handler: async (request) => {
        handled += 1;
        return answerRunning(request);
      },
    });
    await responder.start();
    // An outside client, as another service would be: plain amqplib and its own exclusive reply queue.
    connection = await amqp.connect(TEST_RABBITMQ_URL);
    channel = await connection.createChannel();
    replyQueue = (await channel.assertQueue('', { exclusive: true })).queue;
    await channel.consume(replyQueue, (message) => message && replies.push(message), { noAck: true });
  });
  afterAll(async () => {
    await connection.close();
    await responder.close();
    await deleteRabbitQueues([requestQueue]);
  });

  const replyTo = (correlationId: string) =>
    waitFor(() => replies.find((m) => m.properties.correlationId === correlationId), { what: `reply ${correlationId}` });

  it('answers a contract-shaped request from an outside client on its reply queue, echoing the correlation id', async () => {
    const jobId = randomUUID();
    const requestId = randomUUID();
    channel.sendToQueue(requestQueue, Buffer.from(JSON.stringify({ job_id: jobId, request_id: requestId, requested_at: new Date().toISOString() })), {
      correlationId: requestId,
      replyTo: replyQueue,
      contentType: 'application/json',
    });
    const reply = await replyTo(requestId);
    expect(reply.properties.contentType).toBe('application/json');
    const body = ProgressReplySchema.strict().parse(JSON.parse(reply.content.toString()));
    expect(body).toMatchObject({ job_id: jobId, state: 'running', progress_percent: 50 });
  });

  it('answers malformed requests once, drops those without a reply address, and never redelivers them', async () => {
    const handledBefore = handled;
    const notJson = randomUUID();
    channel.sendToQueue(requestQueue, Buffer.from('{not json'), { correlationId: notJson, replyTo: replyQueue, contentType: 'application/json' });
    const badShape = randomUUID();
    channel.sendToQueue(requestQueue, Buffer.from(JSON.stringify({ job_id: 'nope' })), { correlationId: badShape, replyTo: replyQueue });
    channel.sendToQueue(requestQueue, Buffer.from(JSON.stringify({ job_id: randomUUID(), request_id: 'x', requested_at: new Date().toISOString() })), {
      correlationId: randomUUID(),
    });
    // A good request behind the bad ones: once it is answered, the bad ones were dealt with.
    const good = randomUUID();
    channel.sendToQueue(requestQueue, Buffer.from(JSON.stringify({ job_id: randomUUID(), request_id: good, requested_at: new Date().toISOString() })), {
      correlationId: good,
      replyTo: replyQueue,
    });
    await replyTo(good);
    const errorReply = async (id: string) => ProgressErrorReplySchema.strict().parse(JSON.parse((await replyTo(id)).content.toString()));
    expect(await errorReply(notJson)).toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/not JSON/) } });
    expect(await errorReply(badShape)).toMatchObject({ job_id: 'nope', error: { code: 'INVALID_REQUEST' } });

    // Another round trip gives any redelivery a chance to show up before counting.
    const again = randomUUID();
    channel.sendToQueue(requestQueue, Buffer.from(JSON.stringify({ job_id: randomUUID(), request_id: again, requested_at: new Date().toISOString() })), {
      correlationId: again,
      replyTo: replyQueue,
    });
    await replyTo(again);
    expect(dropped.sort()).toEqual(['malformed', 'malformed', 'no_reply_address']);
    expect(handled - handledBefore).toBe(2);
    expect(replies.filter((m) => m.properties.correlationId === notJson)).toHaveLength(1);
    expect((await channel.checkQueue(requestQueue)).messageCount).toBe(0);
    expect(responder.ready()).toBe(true);
  });
});
