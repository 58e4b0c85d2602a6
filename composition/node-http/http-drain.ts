import type { Server, ServerResponse } from 'node:http';

export interface DrainReport {
  /** Requests being answered when the drain began. */
  in_flight: number;
  /** Requests cut off because the drain ran out of time. */
  abandoned: number;
}

/**
 * Graceful stop of an HTTP server: the listener closes (new connections are refused), requests
 * in flight are answered, their connections close after the answer instead of being kept
 * alive, and whatever is still open at the deadline is cut.
 */
export class HttpDrain {
  private readonly active = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('request', (_request, response: ServerResponse) => {
      this.active.add(response);
      if (this.draining) response.setHeader('connection', 'close');
      response.once('close', () => this.active.delete(response));
      response.once('finish', () => {
        // A kept-alive connection that just went idle must not hold the drain open.
        if (this.draining) setImmediate(() => this.server.closeIdleConnections());
      });
    });
  }

  inFlight(): number {
    return this.active.size;
  }

  async close(timeoutMs: number): Promise<DrainReport> {
    const inFlight = this.active.size;
    this.draining = true;
    for (const response of this.active) if (!response.headersSent) response.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    const abandoned = expired ? this.active.size : 0;
    if (expired) {
      this.server.closeAllConnections();
      await closed;
    }
    return { in_flight: inFlight, abandoned };
  }
}
