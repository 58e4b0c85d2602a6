import type { HttpResponseInit } from '@azure/functions';
import type { HeaderReader } from './api-key-auth.js';

/**
 * A request's query parameters as the routes read them. A parameter given twice stays twice in
 * `entries()` (the list and event routes refuse it), and `get` returns its first value.
 */
export interface QueryReader {
  get(name: string): string | null;
  entries(): IterableIterator<[string, string]>;
}

/**
 * What a route handler and the request instrumentation read of a request: no more, so that a
 * host need build nothing else. The Functions runtime's `HttpRequest` is one as it comes; the
 * fallback host builds a small one from Node's own request, with the body it has already read.
 */
export interface ApiRequest {
  /** Upper case, as both hosts give it. */
  readonly method: string;
  readonly url: string;
  /** Case-insensitive; a header given twice reads as its values joined by ", ". */
  readonly headers: HeaderReader;
  readonly query: QueryReader;
  /** The route's `{name}` segments, decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The whole body; empty when none was sent or the host did not read it (a request refused on its headers). */
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The invocation a request runs as: the Functions runtime's `InvocationContext` is one as it
 * comes. `triggerMetadata` carries what the host alone knows of the client (its socket address,
 * under CLIENT_ADDRESS_METADATA).
 */
export interface ApiInvocation {
  readonly invocationId: string;
  readonly functionName: string;
  readonly triggerMetadata?: Readonly<Record<string, unknown>>;
}

/** A route as a host calls it: instrumented, taking whatever request and invocation the host has. */
export type ApiHandler = (request: ApiRequest, invocation: ApiInvocation) => Promise<HttpResponseInit>;
