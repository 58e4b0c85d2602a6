import { createServer, type Server } from 'node:http';
import { listenOn } from './listen-on.js';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  /** Names of what is not ready; empty when ready. */
  notReady: () => Promise<string[]>;
  /** Names of what has stopped for good, so that only a restart helps; empty when alive. */
  notAlive?: () => string[];
}

/** The worker's own port: /healthz (alive: nothing stopped for good), /readyz (consuming and dependencies up), /metrics. */
export class HealthServer {
  private readonly server: Server;

  constructor(private readonly options: HealthServerOptions) {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const reply = (status: number, body: string, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (path === '/healthz') {
        const dead = options.notAlive?.() ?? [];
        return reply(dead.length ? 503 : 200, JSON.stringify({ status: dead.length ? 'unavailable' : 'ok', ...(dead.length ? { not_alive: dead } : {}) }));
      }
      if (path === '/readyz') {
        void options
          .notReady()
          .then((problems) =>
            reply(problems.length ? 503 : 200, JSON.stringify({ status: problems.length ? 'unavailable' : 'ok', not_ready: problems })),
          )
          .catch((error: unknown) => reply(503, JSON.stringify({ status: 'unavailable', not_ready: [(error as Error).message] })));
        return;
      }
      if (path === '/metrics') {
        void options.registry
          .metrics()
          .then((text) => reply(200, text, options.registry.contentType))
          .catch(() => reply(500, '# metrics unavailable\n', 'text/plain'));
        return;
      }
      reply(404, JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${path}` } }));
    });
  }

  /** Listens on the port from WORKER_METRICS_PORT; one already taken fails naming that variable. */
  async start(): Promise<number> {
    return listenOn(this.server, { port: this.options.port, host: this.options.host ?? '0.0.0.0', variable: 'WORKER_METRICS_PORT' });
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
