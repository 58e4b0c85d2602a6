import type { HttpResponseInit } from '@azure/functions';
import type { JobTrace } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import type { ApiDeps } from '../api-deps.js';
import type { ApiInvocation, ApiRequest } from './api-request.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'DELETE';

/** Per-request values the instrumentation layer provides to every handler. */
export interface RequestContext {
  /** The request's trace id, a UUID v4. */
  traceId: string;
  /** W3C trace context for what the request sends on (the job record). */
  trace: JobTrace;
  logger: Logger;
  invocation: ApiInvocation;
  /** When the request's duration began to be measured (epoch ms): deadlines at the server count from here. */
  startedAt: number;
  /** Who is calling, for the logs of what they asked: `principal:<id>`, `key:<key id>` or `address:<ip>`, never a key. */
  caller: string;
}

export type RouteHandler = (request: ApiRequest, context: RequestContext) => Promise<HttpResponseInit>;

/**
 * One HTTP route, as both hosts register it: the Azure Functions app (`app.http`) and the
 * fallback Node host. `route` uses the Functions syntax, e.g. `v1/jobs/{job_id}/status`.
 */
export interface RouteDefinition {
  name: string;
  methods: HttpMethod[];
  route: string;
  /** Job routes need a key; health and metrics stay open for probes and scrapers. */
  authLevel: 'anonymous' | 'function';
  /**
   * The event routes: a browser's EventSource cannot send headers, so an API key is also taken
   * from the `api_key` (or `access_token`) query parameter here, and on no other route.
   */
  credentialsInQuery?: boolean;
  create(deps: ApiDeps): RouteHandler;
}
