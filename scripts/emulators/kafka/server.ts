/** The TCP listener: owns the broker state and every open connection. */
import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerContext } from './apis/context.js';
import { API_TABLE } from './apis/table.js';
import { Connection } from './connection.js';
import { GroupCoordinator } from './groups/coordinator.js';
import { TopicStore } from './storage/topic-store.js';

export interface BrokerOptions {
  host: string;
  port: number;
  defaultPartitions: number;
  sessionTimeoutCheckMs: number;
  log: (line: string) => void;
}

export class KafkaBroker {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly context: BrokerContext;
  private closing: Promise<void> | null = null;

  constructor(private readonly options: BrokerOptions) {
    const log = options.log;
    const wildcard = options.host === '0.0.0.0' || options.host === '::';
    this.context = {
      topics: new TopicStore(log),
      groups: new GroupCoordinator(options.sessionTimeoutCheckMs, log),
      host: wildcard ? '127.0.0.1' : options.host,
      port: options.port,
      defaultPartitions: options.defaultPartitions,
      supportedApis: [...API_TABLE].sort((a, b) => a.key - b.key),
      log,
      nextProducerId: 1000,
    };
    const apis = new Map(API_TABLE.map((a) => [a.key, a]));
    this.server = createServer((socket: Socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      const conn = new Connection(socket, this.context, apis, (c) => this.connections.delete(c));
      this.connections.add(conn);
    });
    this.server.on('error', (err) => log(`server error: ${err.message}`));
  }

  get advertisedHost(): string {
    return this.context.host;
  }

  get port(): number {
    return this.context.port;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        if (address && typeof address === 'object') this.context.port = address.port;
        this.options.log(`listening on ${this.context.host}:${this.context.port}`);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.context.groups.close();
      this.server.close(() => resolve());
      for (const c of this.connections) c.destroy();
      this.connections.clear();
    });
    return this.closing;
  }
}
