import { SpanStatusCode } from '@opentelemetry/api';
import type { HttpResponseInit } from '@azure/functions';
import type { ApiMetrics } from '../../telemetry/index.js';
import type { ApiDeps } from '../api-deps.js';
import type { ApiHandler, ApiInvocation, ApiRequest } from './api-request.js';
import { authFailureOf } from './api-key-auth.js';
import type { RequestAuth } from './request-auth.js';
import { callerIdentity, clientAddress, type RequestLimits } from './request-limits.js';
import { callerName } from './caller-name.js';
import { inRequestTrace } from './request-trace.js';
import { credentialHeaders } from './query-credentials.js';
import type { RouteDefinition } from './route-definition.js';
import { responseForError } from './responses.js';
import { RateLimitedError } from '../../core/errors/index.js';

export interface InstrumentOptions {
  /**
   * Who may call routes with authLevel 'function'. The fallback host always passes it; the
   * Azure Functions registration passes it when App Service Authentication is in front
   * (functions-registration.ts), and otherwise leaves those routes to the host's function keys.
   */
  auth?: RequestAuth;
  /** Requests per caller and refused credentials per address on routes with authLevel 'function'; both hosts pass the same. */
  limits?: RequestLimits;
}

/**
 * Wraps a route's handler with what every request gets: its trace (W3C traceparent in and
 * out), the caller check, a request-scoped logger, error-to-response mapping, and the
 * request counter and duration histogram.
 */
export function instrumentRoute(route: RouteDefinition, deps: ApiDeps, options: InstrumentOptions = {}): ApiHandler {
  const handler = route.create(deps);
  const label = `/${route.route}`;
  const auth = route.authLevel === 'function' && options.auth?.enabled ? options.auth : undefined;
  const limits = route.authLevel === 'function' ? options.limits : undefined;
  return (request, invocation) =>
    inRequestTrace(
      request.headers,
      { name: `${request.method} ${label}`, attributes: { 'http.request.method': request.method, 'http.route': label } },
      async (trace, span) => {
        const startedAt = Date.now();
        const answered = countedAnswer(deps.metrics, label, request.method);
        const logger = deps.logger.child({ ...trace.logFields, route: label });
        let response: HttpResponseInit;
        try {
          await admit(request, invocation, auth, limits, route);
          const caller = callerName(request.headers, invocation, auth);
          response = await handler(request, { traceId: trace.traceId, trace: trace.downstream, logger, invocation, startedAt, caller });
        } catch (error) {
          response = responseForError(error, trace.traceId);
          const status = response.status ?? 500;
          const authFailure = authFailureOf(error);
          if (authFailure) deps.metrics.authFailures.inc({ route: label, reason: authFailure });
          if (error instanceof RateLimitedError) deps.metrics.rateLimited.inc({ route: label, reason: error.reason });
          if (status >= 500) logger.error({ err: error, status }, 'request failed');
          else logger.info({ status, error_code: (error as { code?: string }).code }, 'request rejected');
        }
        response.headers = { ...trace.responseHeaders, ...(response.headers as Record<string, string> | undefined) };
        const status = response.status ?? 200;
        answered(status);
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
}

/**
 * The caller check and the limits, before the handler runs: an address shut out for refused
 * credentials gets 429 unchecked; refused credentials count against their address; an admitted
 * caller spends one request of its allowance.
 */
async function admit(request: ApiRequest, invocation: ApiInvocation, auth: RequestAuth | undefined, limits: RequestLimits | undefined, route: RouteDefinition): Promise<void> {
  const headers = credentialHeaders(request, route);
  if (!limits) return auth?.verify(headers);
  const address = clientAddress(request.headers, invocation);
  if (auth) {
    await limits.checkAddress(address);
    try {
      auth.verify(headers);
    } catch (error) {
      if (authFailureOf(error)) await limits.recordAuthFailure(address);
      throw error;
    }
  }
  await limits.consume(callerIdentity(headers, { trustsPrincipal: auth?.trustsPrincipal ?? false, keyVerified: auth !== undefined, address }));
}

/** The route label of answers the host gives before any route is found (no route, a bad Host or request line). */
export const NO_ROUTE_LABEL = '(no route)';

/**
 * Starts timing one answer; the returned function records it, with its status, in the request
 * counter and the duration histogram. Every answer goes through it (a route's, and those the
 * host gives itself), so the error-rate alert sees them all.
 */
export function countedAnswer(metrics: Pick<ApiMetrics, 'httpDuration' | 'httpRequests'>, route: string, method: string): (status: number) => void {
  const stopTimer = metrics.httpDuration.startTimer({ route, method });
  return (status) => {
    stopTimer();
    metrics.httpRequests.inc({ route, method, status: String(status) });
  };
}
