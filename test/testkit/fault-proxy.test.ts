import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../../testkit/fault-proxy.js';
import { waitFor } from '../support/wait-for.js';

/**
 * What tests and the chaos run rely on, over real sockets: a cut drops and refuses, a freeze
 * keeps connections and holds (then delivers) or drops what arrives, and restore undoes both.
 */
describe('fault proxy', () => {
  /** Echoes what it gets and remembers it, so a test can tell what reached the server. */
  let server: Server;
  let reachedServer = '';
  /** The server's end of each connection the proxy opened, newest last. */
  const serverSide: Socket[] = [];
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      serverSide.push(socket);
      socket.on('data', (chunk: Buffer) => {
        reachedServer += chunk.toString();
        socket.write(chunk);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const proxyWith = async (options: FaultProxyOptions = {}) => {
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, options);
    proxies.push(proxy);
    reachedServer = '';
    return proxy;
  };
  /** A client connection and everything it has received so far. */
  const client = (proxy: FaultProxy) =>
    new Promise<{ socket: Socket; received: () => string }>((resolve, reject) => {
      let text = '';
      const socket = connect(proxy.port, '127.0.0.1', () => resolve({ socket, received: () => text }));
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('error', reject);
    });
  const receives = (received: () => string, expected: string) =>
    waitFor(() => (received() === expected ? true : undefined), { what: `the client to receive ${JSON.stringify(expected)}, got ${JSON.stringify(received())}` });
  const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

  it('forwards both ways while open', async () => {
    const proxy = await proxyWith();
    const { socket, received } = await client(proxy);
    socket.write('hello');
    await receives(received, 'hello');
    socket.destroy();
  });

  it('drops open connections on a cut and closes new ones until restored', async () => {
    const proxy = await proxyWith();
    const { socket } = await client(proxy);
    proxy.cut();
    await closed(socket);
    const refused = await client(proxy).catch(() => undefined);
    if (refused) await closed(refused.socket);
    proxy.restore();
    const again = await client(proxy);
    again.socket.write('back');
    await receives(again.received, 'back');
    again.socket.destroy();
  });

  it('holds what arrives while frozen, on open and new connections alike, and delivers it in order on restore', async () => {
    const proxy = await proxyWith({ whileFrozen: 'hold' });
    const before = await client(proxy);
    proxy.freeze();
    const during = await client(proxy);
    before.socket.write('one');
    before.socket.write('two');
    during.socket.write('three');
    const heldBytes = () => Buffer.concat(proxy.held('toServer')).length;
    await waitFor(() => (heldBytes() === 'onetwothree'.length ? true : undefined), { what: 'every write to be held' });
    expect(reachedServer).toBe('');
    expect([before.socket.destroyed, during.socket.destroyed]).toEqual([false, false]);

    proxy.restore();
    await receives(before.received, 'onetwo');
    await receives(during.received, 'three');
    expect(proxy.held('toServer')).toEqual([]);
    for (const { socket } of [before, during]) socket.destroy();
  });

  it('holds what the server sends while frozen, and a cut drops whatever is held', async () => {
    const proxy = await proxyWith({ whileFrozen: 'hold' });
    const known = serverSide.length;
    const { socket, received } = await client(proxy);
    const atServer = await waitFor(() => serverSide[known], { what: 'the proxy to connect to the server' });
    proxy.freeze();
    atServer.write('pushed');
    socket.write('asked');
    await waitFor(() => (proxy.held('toClient').length === 1 && proxy.held('toServer').length === 1 ? true : undefined), { what: 'both ways to be held' });
    expect(received()).toBe('');

    proxy.cut();
    await closed(socket);
    expect([proxy.held('toServer'), proxy.held('toClient')]).toEqual([[], []]);
    expect(reachedServer).toBe('');
    proxy.restore();
  });

  it('drops what arrives while frozen, keeps the connection, and forwards what comes after a restore', async () => {
    const seen: string[] = [];
    const proxy = await proxyWith({
      whileFrozen: 'drop',
      framing: () => ({ toServer: (chunk) => (seen.push(chunk.toString()), [chunk]), toClient: (chunk) => [chunk] }),
    });
    const { socket, received } = await client(proxy);
    proxy.freeze();
    socket.write('lost');
    await waitFor(() => (seen.includes('lost') ? true : undefined), { what: 'the proxy to read the write made while frozen' });
    expect(proxy.held('toServer')).toEqual([]);
    expect(socket.destroyed).toBe(false);

    proxy.restore();
    socket.write('kept');
    await receives(received, 'kept');
    expect(reachedServer).toBe('kept');
    socket.destroy();
  });

  it('holds whole units of a framing, and closes a connection whose framing throws', async () => {
    const lines = () => {
      let partial = '';
      return (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        if (parts.includes('bad')) throw new Error('bad line');
        return parts.map((line) => Buffer.from(`${line}\n`));
      };
    };
    const proxy = await proxyWith({ framing: () => ({ toServer: lines(), toClient: (chunk) => [chunk] }) });
    const { socket, received } = await client(proxy);
    proxy.freeze();
    socket.write('a\nb');
    socket.write('c\n');
    await waitFor(() => (proxy.held('toServer').length === 2 ? true : undefined), { what: 'two whole lines to be held' });
    expect(proxy.held('toServer').map(String)).toEqual(['a\n', 'bc\n']);
    proxy.restore();
    await receives(received, 'a\nbc\n');

    socket.write('bad\n');
    await closed(socket);
    const other = await client(proxy);
    other.socket.write('fine\n');
    await receives(other.received, 'fine\n');
    other.socket.destroy();
  });
});
