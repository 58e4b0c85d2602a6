/**
 * dtq's in-memory MongoDB wire-protocol emulator: a single-node test
 * fixture that the official drivers (Node `mongodb`, pymongo) can talk to
 * when no real server is available. See README.md for what it covers.
 */
import { EmulatorServer } from "./server.js";

export interface MongoEmulatorOptions {
  /** TCP port; 0 (the default) picks a free ephemeral port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Receives one line per connection event and per failed command. */
  log?: (line: string) => void;
}

export interface MongoEmulator {
  host: string;
  port: number;
  /** `mongodb://host:port/?directConnection=true` */
  uri: string;
  /** Stops listening and closes every client connection. */
  close(): Promise<void>;
}

export async function startMongoEmulator(options: MongoEmulatorOptions = {}): Promise<MongoEmulator> {
  const host = options.host ?? "127.0.0.1";
  const sink = options.log;
  // A throwing log callback must never break a connection.
  const log = (line: string): void => {
    try {
      sink?.(line);
    } catch {
      // ignored
    }
  };
  const server = new EmulatorServer({ host, port: options.port ?? 0, log });
  const bound = await server.listen();
  const uriHost = bound.host.includes(":") ? `[${bound.host}]` : bound.host;
  let closing: Promise<void> | undefined;
  return {
    host: bound.host,
    port: bound.port,
    uri: `mongodb://${uriHost}:${bound.port}/?directConnection=true`,
    close: () => {
      closing ??= server.close();
      return closing;
    },
  };
}
