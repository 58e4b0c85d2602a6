import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * What a frozen proxy does with the bytes that reach it.
 * - 'hold': keeps them and delivers them, in order, on restore. A stalled server or a partition
 *   that heals loses nothing TCP has accepted, and a byte stream with a hole in it would test
 *   the client's protocol parser rather than its deadlines.
 * - 'drop': reads and discards them, as a middlebox that black-holes packets does. After a
 *   restore the client's replies no longer match its requests, so the same connection never
 *   works again: what a test of a client that must replace such a connection needs.
 */
export type FrozenBytes = 'hold' | 'drop';

export type Direction = 'toServer' | 'toClient';

/**
 * Cuts one connection's byte stream, in each direction, into the units the proxy forwards, holds
 * or drops whole (Kafka frames, say); it may rewrite them on the way. One is made per connection,
 * so it may keep state across both directions. A throw closes that connection.
 */
export type Framing = Record<Direction, (chunk: Buffer) => Buffer[]>;

export interface FaultProxyOptions {
  /** Default 'hold'. */
  whileFrozen?: FrozenBytes;
  /** Default: every chunk is forwarded as it arrives. */
  framing?: () => Framing;
}

/**
 * A TCP forwarder between a client and one real server that can be cut or frozen and then
 * restored, on one port, so a test or a chaos run switches between faults without the client
 * reconnecting anywhere else.
 */
export interface FaultProxy {
  /** The local port clients connect to instead of the server's. */
  readonly port: number;
  /** Drops every open connection; new ones are accepted and closed at once until restore. */
  cut(): void;
  /**
   * Nothing is forwarded either way and every connection stays open, new ones included: what a
   * client sees when the server hangs. The bytes that arrive are held or dropped (`whileFrozen`).
   */
  freeze(): void;
  /** Forwards again, delivering first what a freeze held. */
  restore(): void;
  /** What is held now on its way in one direction, one unit each, in arrival order. */
  held(direction: Direction): Buffer[];
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

type State = 'open' | 'cut' | 'frozen';

const unframed: Framing = { toServer: (chunk) => [chunk], toClient: (chunk) => [chunk] };

/** One direction of one connection: forwards units, holds or drops them while frozen, honours backpressure. */
class Pipe {
  readonly held: Buffer[] = [];

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly state: () => State,
    private readonly whileFrozen: FrozenBytes,
  ) {
    to.on('drain', () => from.resume());
  }

  pass(unit: Buffer): void {
    if (this.state() !== 'frozen') this.write(unit);
    else if (this.whileFrozen === 'hold') this.held.push(unit);
  }

  restore(): void {
    for (const unit of this.held.splice(0)) this.write(unit);
  }

  private write(unit: Buffer): void {
    if (!this.to.write(unit)) this.from.pause();
  }
}

/** A client's connection and the one the proxy opened to the server for it. */
class Link {
  readonly upstream: Socket;
  readonly pipes: Record<Direction, Pipe>;

  constructor(
    readonly client: Socket,
    target: { host: string; port: number },
    state: () => State,
    options: FaultProxyOptions,
  ) {
    this.upstream = connect(target.port, target.host);
    const whileFrozen = options.whileFrozen ?? 'hold';
    this.pipes = {
      toServer: new Pipe(client, this.upstream, state, whileFrozen),
      toClient: new Pipe(this.upstream, client, state, whileFrozen),
    };
    const framing = options.framing?.() ?? unframed;
    for (const [direction, from] of [['toServer', client], ['toClient', this.upstream]] as const) {
      from.setNoDelay(true);
      from.on('error', () => this.destroy());
      from.on('close', () => this.destroy());
      from.on('data', (chunk: Buffer) => {
        let units: Buffer[];
        try {
          units = framing[direction](chunk);
        } catch (error) {
          process.emitWarning(error as Error);
          return this.destroy();
        }
        for (const unit of units) this.pipes[direction].pass(unit);
      });
    }
  }

  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }
}

export async function startFaultProxy(target: { host: string; port: number }, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  let state: State = 'open';
  const links = new Set<Link>();
  const server = createServer((client) => {
    if (state === 'cut') {
      client.on('error', () => client.destroy());
      return void client.destroy();
    }
    const link = new Link(client, target, () => state, options);
    links.add(link);
    client.on('close', () => links.delete(link));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  const dropAll = () => {
    for (const link of links) link.destroy();
    links.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      state = 'cut';
      dropAll();
    },
    freeze() {
      state = 'frozen';
    },
    restore() {
      state = 'open';
      for (const link of links) for (const pipe of Object.values(link.pipes)) pipe.restore();
    },
    held(direction) {
      return [...links].flatMap((link) => link.pipes[direction].held);
    },
    async close() {
      state = 'cut';
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
