/**
 * In-memory, single-node Kafka wire-protocol emulator for dtq's tests.
 * See README.md beside this file for what it implements.
 */
import { KafkaBroker } from './server.js';

export interface KafkaEmulatorOptions {
  /** TCP port; 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Interface to listen on and host to advertise; default 127.0.0.1. */
  host?: string;
  /** Partitions of auto-created topics and of CreateTopics with num_partitions -1; default 1. */
  defaultPartitions?: number;
  /** How often consumer group sessions and rebalance deadlines are checked; default 100 ms. */
  sessionTimeoutCheckMs?: number;
  /** Receives one line per notable broker event; silent by default. */
  log?: (line: string) => void;
}

export interface KafkaEmulator {
  host: string;
  port: number;
  /** "host:port", ready for a client's bootstrap broker list. */
  brokers: string;
  /** Closes every connection, answers parked requests and stops all timers. */
  close(): Promise<void>;
}

function safeLog(log: ((line: string) => void) | undefined): (line: string) => void {
  if (!log) return () => {};
  return (line) => {
    try {
      log(line);
    } catch {
      // A throwing log sink must not break request handling.
    }
  };
}

export async function startKafkaEmulator(options: KafkaEmulatorOptions = {}): Promise<KafkaEmulator> {
  const defaultPartitions = options.defaultPartitions ?? 1;
  const sessionTimeoutCheckMs = options.sessionTimeoutCheckMs ?? 100;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new RangeError(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }
  if (!(sessionTimeoutCheckMs > 0)) throw new RangeError(`sessionTimeoutCheckMs must be positive, got ${sessionTimeoutCheckMs}`);
  const broker = new KafkaBroker({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    defaultPartitions,
    sessionTimeoutCheckMs,
    log: safeLog(options.log),
  });
  try {
    await broker.listen();
  } catch (err) {
    await broker.close();
    throw err;
  }
  const host = broker.advertisedHost;
  const port = broker.port;
  return { host, port, brokers: `${host}:${port}`, close: () => broker.close() };
}
