/**
 * A TCP proxy in front of one real Kafka broker that a client cannot bypass, for fault tests
 * that freeze or cut the link between one process and Kafka while other processes keep using
 * the broker directly. A Kafka client connects to the broker addresses that metadata answers
 * name, so the proxy rewrites the port of every broker in Metadata and FindCoordinator responses
 * to its own: all of the client's connections then pass through it.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface KafkaProxy {
  /** host:port for the client's KAFKA_BROKERS. */
  readonly brokers: string[];
  /**
   * From now on nothing passes either way; connections stay open and every request and response
   * that arrives is held, as on a link that stalls.
   */
  freeze(): void;
  /** Delivers what was held, in order, and forwards again. */
  thaw(): void;
  /** Closes every open connection, dropping whatever was held; new connections are accepted. */
  cut(): void;
  /** Requests held while frozen, by Kafka API key (0 = Produce, 3 = Metadata). */
  held(apiKey: number): number;
  close(): Promise<void>;
}

/** Kafka API keys, for `held`. */
export const API_PRODUCE = 0;
const API_METADATA = 3;
const API_FIND_COORDINATOR = 10;

export async function startKafkaProxy(broker: string): Promise<KafkaProxy> {
  const [host, port] = splitAddress(broker);
  const connections = new Set<ProxiedConnection>();
  let frozen = false;
  let ownPort = 0;
  const server = createServer((client) => {
    const connection = new ProxiedConnection(client, connect(port, host), ownPort, () => frozen);
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ownPort = (server.address() as AddressInfo).port;
  return {
    brokers: [`127.0.0.1:${ownPort}`],
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const connection of connections) connection.flush();
    },
    cut() {
      for (const connection of connections) connection.destroy();
    },
    held(apiKey) {
      let count = 0;
      for (const connection of connections) count += connection.heldRequests(apiKey);
      return count;
    },
    async close() {
      for (const connection of connections) connection.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One client connection and its connection to the broker, forwarded frame by frame. */
class ProxiedConnection {
  readonly closed: Promise<void>;
  /** Requests sent and not yet answered: correlation id → API key and version. */
  private readonly inFlight = new Map<number, { apiKey: number; version: number }>();
  private readonly heldUp: Array<{ apiKey: number; frame: Buffer }> = [];
  private readonly heldDown: Buffer[] = [];

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly ownPort: number,
    private readonly frozen: () => boolean,
  ) {
    this.closed = new Promise((resolve) => {
      for (const socket of [client, upstream]) {
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          this.destroy();
          resolve();
        });
      }
    });
    client.on('data', frames((frame) => this.fromClient(frame)));
    upstream.on('data', frames((frame) => this.fromBroker(frame)));
  }

  heldRequests(apiKey: number): number {
    return this.heldUp.filter((held) => held.apiKey === apiKey).length;
  }

  flush(): void {
    for (const { frame } of this.heldUp.splice(0)) this.upstream.write(frame);
    for (const frame of this.heldDown.splice(0)) this.client.write(frame);
  }

  destroy(): void {
    this.heldUp.length = 0;
    this.heldDown.length = 0;
    this.client.destroy();
    this.upstream.destroy();
  }

  private fromClient(frame: Buffer): void {
    // Request header: size, api_key int16, api_version int16, correlation_id int32.
    const apiKey = frame.readInt16BE(4);
    this.inFlight.set(frame.readInt32BE(8), { apiKey, version: frame.readInt16BE(6) });
    if (this.frozen()) this.heldUp.push({ apiKey, frame });
    else this.upstream.write(frame);
  }

  private fromBroker(frame: Buffer): void {
    const correlationId = frame.readInt32BE(4);
    const request = this.inFlight.get(correlationId);
    this.inFlight.delete(correlationId);
    try {
      if (request) rewriteBrokerPorts(frame, request.apiKey, request.version, this.ownPort);
    } catch (error) {
      process.emitWarning(error as Error);
      return this.destroy();
    }
    if (this.frozen()) this.heldDown.push(frame);
    else this.client.write(frame);
  }
}

/** Splits a byte stream into Kafka frames (int32 size, then that many bytes). */
function frames(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      onFrame(Buffer.from(pending.subarray(0, 4 + size)));
      pending = pending.subarray(4 + size);
    }
  };
}

/**
 * Sets the port of every broker a Metadata (v1–v8) or FindCoordinator (v1–v3) response names,
 * in place; the host stays 127.0.0.1, so no length changes. kafkajs uses no flexible (v9+)
 * versions of these APIs, and a response of one is refused rather than passed on unrewritten.
 */
function rewriteBrokerPorts(frame: Buffer, apiKey: number, version: number, port: number): void {
  if (apiKey === API_METADATA) {
    if (version < 1 || version > 8) throw new Error(`Metadata v${version} is not handled by the Kafka proxy`);
    // size, correlation id, throttle_time_ms (v3+), then the brokers array.
    let at = 8 + (version >= 3 ? 4 : 0);
    const count = frame.readInt32BE(at);
    at += 4;
    for (let i = 0; i < count; i += 1) {
      at += 4; // node_id
      at += 2 + frame.readInt16BE(at); // host
      frame.writeInt32BE(port, at);
      at += 4;
      const rack = frame.readInt16BE(at); // rack, nullable
      at += 2 + Math.max(0, rack);
    }
  } else if (apiKey === API_FIND_COORDINATOR) {
    if (version < 1 || version > 3) throw new Error(`FindCoordinator v${version} is not handled by the Kafka proxy`);
    // size, correlation id, throttle_time_ms, error_code, error_message (nullable), node_id, host, port.
    let at = 8 + 4 + 2;
    at += 2 + Math.max(0, frame.readInt16BE(at));
    at += 4;
    at += 2 + frame.readInt16BE(at);
    frame.writeInt32BE(port, at);
  }
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
