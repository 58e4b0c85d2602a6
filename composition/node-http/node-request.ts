import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderReader } from '../../api/http/api-key-auth.js';
import type { ApiRequest, QueryReader } from '../../api/http/api-request.js';

/**
 * Node's request headers read as the routes read them, without a copy: case-insensitive, and a
 * header given twice as its values joined by ", " (Node has joined most already and keeps only
 * the first of those that may appear once, such as Content-Type and Authorization).
 */
export function nodeHeaders(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const key = name.toLowerCase();
      // Own properties only: `constructor` or `__proto__` is no header.
      if (!Object.hasOwn(headers, key)) return null;
      const value = headers[key];
      if (typeof value === 'string') return value;
      return Array.isArray(value) ? value.join(', ') : null;
    },
  };
}

/**
 * A request of the fallback host as the routes read it, built from Node's own request and the
 * body the host has already read: no fetch Request, Headers or body stream per request. The
 * query is parsed only when a route asks for it.
 */
export class NodeApiRequest implements ApiRequest {
  readonly method: string;
  readonly headers: HeaderReader;
  readonly params: Readonly<Record<string, string>>;
  private readonly target: URL;
  private readonly body: Buffer;

  constructor(options: { method: string; target: URL; headers: HeaderReader; params: Record<string, string>; body: Buffer }) {
    this.method = options.method;
    this.headers = options.headers;
    this.params = options.params;
    this.target = options.target;
    this.body = options.body;
  }

  get url(): string {
    return this.target.href;
  }

  /** URLSearchParams, as the Functions runtime gives it: a parameter given twice stays twice. */
  get query(): QueryReader {
    return this.target.searchParams;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    // The body may be a view of a shared pool: the caller gets its own bytes only.
    const { buffer, byteOffset, byteLength } = this.body;
    return Promise.resolve(buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer);
  }
}
