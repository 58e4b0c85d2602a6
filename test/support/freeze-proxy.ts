import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface FreezeProxy {
  readonly port: number;
  /**
   * From now on nothing passes either way, and connections stay open: what a client sees when
   * the server hangs (a stalled process, a stuck disk, a partition that drops packets).
   */
  freeze(): void;
  /** Forwards again. What was sent while frozen is lost, as it is when a middlebox drops it. */
  thaw(): void;
  close(): Promise<void>;
}

/** A TCP forwarder to `target` that can go silent without closing anything, for deadline tests. */
export async function startFreezeProxy(target: { host: string; port: number }): Promise<FreezeProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (!frozen) to.write(chunk);
    });
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        (socket === client ? upstream : client).destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
