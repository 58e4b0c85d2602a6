import type { HttpFunctionOptions } from '@azure/functions';
import type { BuiltApi } from '../composition/build-api.js';
import { instrumentRoute } from '../api/http/instrument-route.js';
import type { RouteDefinition } from '../api/http/route-definition.js';

export interface FunctionRegistration {
  name: string;
  options: HttpFunctionOptions & { authLevel: 'anonymous' | 'function' };
}

/**
 * What app.ts hands to `app.http` for each route. Without App Service Authentication, the job
 * routes keep authLevel 'function' and the Functions host checks its function keys. With it
 * (APP_SERVICE_AUTH=true, set by Bicep beside authsettingsV2), they are registered 'anonymous',
 * since the host would demand a function key even of a signed-in caller, and dtq's own check
 * (RequestAuth) requires the principal App Service injects or an API key instead.
 */
/**
 * Operator routes that need a function key on the Function App, whatever the sign-in: /readyz
 * checks Redis, Kafka, Cosmos DB and RabbitMQ on every call and /metrics shows job volumes and
 * error rates, and nothing on Azure probes or scrapes either. The host refuses a call without the
 * key before dtq runs, so an anonymous hit costs no dependency check. /healthz stays anonymous
 * (it checks nothing but the process). The fallback host serves them openly for its orchestrator.
 */
export const KEY_ONLY_ON_FUNCTIONS: ReadonlySet<string> = new Set(['readyz-get', 'metrics-get']);

export function functionRegistrations(routes: readonly RouteDefinition[], api: Pick<BuiltApi, 'deps' | 'auth' | 'limits'>): FunctionRegistration[] {
  const signIn = api.auth.trustsPrincipal;
  return routes.map((route) => ({
    name: route.name,
    options: {
      methods: route.methods,
      route: route.route,
      authLevel: KEY_ONLY_ON_FUNCTIONS.has(route.name) ? 'function' : signIn ? 'anonymous' : route.authLevel,
      // The same limits as the fallback host's (the client address from x-forwarded-for here).
      // Azure's HttpRequest and InvocationContext are an ApiRequest and ApiInvocation as they come: no copy.
      handler: instrumentRoute(route, api.deps, { limits: api.limits, ...(signIn ? { auth: api.auth } : {}) }),
    },
  }));
}
