import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../bench/chaos/fault-proxy.js';

/** What the chaos run's proxy promises: a cut drops and refuses, a freeze holds and then delivers. */
describe('chaos fault proxy', () => {
  let echo: Server;
  let proxy: FaultProxy;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startFaultProxy({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(proxy.port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  const received = (socket: Socket, within: number) =>
    new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      setTimeout(() => resolve(text), within);
    });
  const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

  it('forwards both ways while open', async () => {
    const socket = await open();
    const answer = received(socket, 200);
    socket.write('hello');
    expect(await answer).toBe('hello');
    socket.destroy();
  });

  it('drops open connections on a cut and closes new ones until restored', async () => {
    const socket = await open();
    const gone = closed(socket);
    proxy.cut();
    await gone;
    const refused = await open().catch(() => undefined);
    if (refused) await closed(refused);
    proxy.restore();
    const again = await open();
    const answer = received(again, 200);
    again.write('back');
    expect(await answer).toBe('back');
    again.destroy();
  });

  it('holds what is sent while frozen, keeps the connection, and delivers it on restore', async () => {
    const socket = await open();
    const frozenFor = received(socket, 300);
    proxy.freeze();
    socket.write('held');
    expect(await frozenFor).toBe('');
    expect(socket.destroyed).toBe(false);
    const later = received(socket, 300);
    proxy.restore();
    expect(await later).toBe('held');
    socket.destroy();
  });
});
