/**
 * A TCP proxy in front of one real Kafka broker that a client cannot bypass, for fault tests
 * that freeze or cut the link between one process and Kafka while other processes keep using
 * the broker directly. A Kafka client connects to the broker addresses that metadata answers
 * name, so the proxy rewrites the port of every broker in Metadata and FindCoordinator responses
 * to its own: all of the client's connections then pass through it.
 */
import { startFaultProxy, type FaultProxy, type Framing } from '../../testkit/fault-proxy.js';

/**
 * The fault proxy, framing Kafka's byte stream so that a freeze holds whole requests and
 * responses (delivered on restore; a cut drops what was held), and naming itself in metadata.
 */
export interface KafkaProxy extends FaultProxy {
  /** host:port for the client's KAFKA_BROKERS. */
  readonly brokers: string[];
  /** Requests held by a freeze now, by Kafka API key (0 = Produce, 3 = Metadata). */
  heldRequests(apiKey: number): number;
  /** Requests that have passed the proxy towards the broker so far, by Kafka API key. */
  requestsSeen(apiKey: number): number;
}

/** Kafka API keys, for `heldRequests`. */
export const API_PRODUCE = 0;
/** ListOffsets (the admin client's end offsets) and OffsetFetch (a group's committed offsets). */
export const API_LIST_OFFSETS = 2;
export const API_OFFSET_FETCH = 9;
const API_METADATA = 3;
const API_FIND_COORDINATOR = 10;

export async function startKafkaProxy(broker: string): Promise<KafkaProxy> {
  const [host, port] = splitAddress(broker);
  let ownPort = 0;
  const seen = new Map<number, number>();
  const proxy = await startFaultProxy({ host, port }, { whileFrozen: 'hold', framing: () => kafkaFraming(() => ownPort, seen) });
  ownPort = proxy.port;
  return Object.assign(proxy, {
    brokers: [`127.0.0.1:${ownPort}`],
    heldRequests: (apiKey: number) => proxy.held('toServer').filter((request) => request.readInt16BE(4) === apiKey).length,
    requestsSeen: (apiKey: number) => seen.get(apiKey) ?? 0,
  });
}

/** One connection's frames, with the broker ports of metadata answers set to the proxy's own. */
function kafkaFraming(ownPort: () => number, seen: Map<number, number>): Framing {
  /** Requests sent and not yet answered: correlation id → API key and version. */
  const inFlight = new Map<number, { apiKey: number; version: number }>();
  const requests = frames();
  const responses = frames();
  return {
    toServer: (chunk) =>
      requests(chunk).map((frame) => {
        // Request header: size, api_key int16, api_version int16, correlation_id int32.
        const apiKey = frame.readInt16BE(4);
        inFlight.set(frame.readInt32BE(8), { apiKey, version: frame.readInt16BE(6) });
        seen.set(apiKey, (seen.get(apiKey) ?? 0) + 1);
        return frame;
      }),
    toClient: (chunk) =>
      responses(chunk).map((frame) => {
        const correlationId = frame.readInt32BE(4);
        const request = inFlight.get(correlationId);
        inFlight.delete(correlationId);
        if (request) rewriteBrokerPorts(frame, request.apiKey, request.version, ownPort());
        return frame;
      }),
  };
}

/** Splits a byte stream into Kafka frames (int32 size, then that many bytes), keeping a partial one for the next chunk. */
function frames(): (chunk: Buffer) => Buffer[] {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const whole: Buffer[] = [];
    while (pending.length >= 4) {
      const size = pending.readInt32BE(0);
      if (pending.length < 4 + size) break;
      whole.push(Buffer.from(pending.subarray(0, 4 + size)));
      pending = pending.subarray(4 + size);
    }
    return whole;
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
