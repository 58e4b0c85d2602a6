// The frames a connection writes in one turn leave the socket in one write, on a real TCP socket.
import { createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWritesPerTurn } from '../../adapters/rabbitmq/writes-per-turn.js';
import { waitFor } from '../support/wait-for.js';

/** Counts what the socket hands to the kernel: one call of _write or _writev is one write. */
function countKernelWrites(socket: Socket): { writes: number } {
  const counter = { writes: 0 };
  const internals = socket as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
  const [single, vector] = [internals._write.bind(socket), internals._writev.bind(socket)];
  internals._write = (...args) => {
    counter.writes++;
    single(...args);
  };
  internals._writev = (...args) => {
    counter.writes++;
    vector(...args);
  };
  return counter;
}

describe('writes per turn', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function connectedPair(): Promise<{ client: Socket; received: () => string }> {
    let data = '';
    const server = createServer((peer) => peer.on('data', (chunk: Buffer) => (data += chunk.toString())));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = connect({ port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((resolve) => client.once('connect', resolve));
    closers.push(() => {
      client.destroy();
      server.close();
    });
    return { client, received: () => data };
  }

  it('sends the frames of one turn in one write and keeps their order, turn after turn', async () => {
    const { client, received } = await connectedPair();
    coalesceWritesPerTurn(client);
    const counter = countKernelWrites(client);
    for (const turn of ['a', 'b']) {
      for (const frame of ['method', 'header', 'body']) client.write(`${turn}-${frame};`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(counter.writes).toBe(2);
    const expected = 'a-method;a-header;a-body;b-method;b-header;b-body;';
    await waitFor(() => (received().length >= expected.length ? true : undefined), { what: 'both turns received' });
    expect(received()).toBe(expected);
  });

  it('leaves a socket it was not given alone: each frame its own write', async () => {
    const { client } = await connectedPair();
    const counter = countKernelWrites(client);
    for (const frame of ['method', 'header', 'body']) client.write(`${frame};`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.writes).toBe(3);
  });
});
