import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export type ProxyMode = 'open' | 'cut' | 'frozen';

/**
 * A TCP forwarder between dtq's processes and one real server that can be cut or frozen, with
 * one port for both faults so a run switches between them without reconnecting anything.
 *
 * Unlike test/support's freeze proxy, a frozen link here holds what arrives and delivers it on
 * restore instead of dropping it: a stalled server or a partition that heals loses nothing
 * TCP has accepted, and a byte stream with a hole in it would test the protocol parser rather
 * than dtq's deadlines.
 */
export interface FaultProxy {
  readonly port: number;
  readonly mode: ProxyMode;
  /** Every open connection dropped; new ones accepted and closed at once. */
  cut(): void;
  /** Nothing forwarded either way; connections stay open and new ones are accepted and held. */
  freeze(): void;
  /** Forwards again, delivering first what was held. */
  restore(): void;
  /** Connections open now. */
  connections(): number;
  close(): Promise<void>;
}

/** One direction of one connection: forwards chunks, holds them while frozen, honours backpressure. */
class Pipe {
  private held: Buffer[] = [];

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly frozen: () => boolean,
  ) {
    from.on('data', (chunk: Buffer) => {
      if (this.frozen()) {
        this.held.push(chunk);
        from.pause();
        return;
      }
      this.write(chunk);
    });
    to.on('drain', () => {
      if (!this.frozen()) from.resume();
    });
  }

  private write(chunk: Buffer): void {
    if (!this.to.write(chunk)) this.from.pause();
  }

  freeze(): void {
    this.from.pause();
  }

  restore(): void {
    for (const chunk of this.held.splice(0)) this.write(chunk);
    if (this.to.writableNeedDrain) return;
    this.from.resume();
  }
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: ProxyMode = 'open';
  const open = new Map<Socket, { upstream: Socket; pipes: Pipe[] }>();
  const frozen = () => mode === 'frozen';

  const server = createServer((client) => {
    client.on('error', () => client.destroy());
    if (mode === 'cut') return void client.destroy();
    const upstream = connect(target.port, target.host);
    upstream.on('error', () => upstream.destroy());
    for (const socket of [client, upstream]) socket.setNoDelay(true);
    const pipes = [new Pipe(client, upstream, frozen), new Pipe(upstream, client, frozen)];
    if (frozen()) for (const pipe of pipes) pipe.freeze();
    open.set(client, { upstream, pipes });
    const close = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  const dropAll = () => {
    for (const [client, { upstream }] of open) {
      client.destroy();
      upstream.destroy();
    }
    open.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    get mode() {
      return mode;
    },
    cut() {
      mode = 'cut';
      dropAll();
    },
    freeze() {
      mode = 'frozen';
      for (const { pipes } of open.values()) for (const pipe of pipes) pipe.freeze();
    },
    restore() {
      mode = 'open';
      for (const { pipes } of open.values()) for (const pipe of pipes) pipe.restore();
    },
    connections: () => open.size,
    async close() {
      mode = 'cut';
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
