import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { ApiDeps } from '../api-deps.js';
import type { RouteDefinition } from './route-definition.js';
import { responseForError } from './responses.js';

export type AzureHttpHandler = (request: HttpRequest, invocation: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Wraps a route's handler with what every request gets: a trace id, a request-scoped logger,
 * error-to-response mapping, and the request counter and duration histogram.
 */
export function instrumentRoute(route: RouteDefinition, deps: ApiDeps): AzureHttpHandler {
  const handler = route.create(deps);
  const label = `/${route.route}`;
  return async (request, invocation) => {
    const stopTimer = deps.metrics.httpDuration.startTimer({ route: label, method: request.method });
    const traceId = randomUUID();
    const logger = deps.logger.child({ trace_id: traceId, route: label });
    let response: HttpResponseInit;
    try {
      response = await handler(request, { traceId, logger, invocation });
    } catch (error) {
      response = responseForError(error, traceId);
      const status = response.status ?? 500;
      if (status >= 500) logger.error({ err: error, status }, 'request failed');
      else logger.info({ status, error_code: (error as { code?: string }).code }, 'request rejected');
    }
    response.headers = { 'x-trace-id': traceId, ...(response.headers as Record<string, string> | undefined) };
    stopTimer();
    deps.metrics.httpRequests.inc({ route: label, method: request.method, status: String(response.status ?? 200) });
    return response;
  };
}
