import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, url: URL) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;

/** A local stand-in for the upstream APIs, answering with their documented response shapes. */
export class ProviderStub {
  private server: Server | undefined;
  readonly routes = new Map<string, Route>();
  readonly hits: string[] = [];
  url = '';

  async start() {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://stub');
      this.hits.push(url.pathname + url.search);
      const route = this.routes.get(url.pathname);
      const answer = route ? await route(req, url) : { status: 404, body: { message: 'Not Found' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

