import { EVENT_STREAM_CREDENTIAL_PARAMETERS } from '../../contracts/index.js';
import { API_KEY_HEADER, type HeaderReader } from './api-key-auth.js';
import type { RouteDefinition } from './route-definition.js';
import type { ApiRequest } from './api-request.js';

/**
 * The headers the caller check reads. On a route with `credentialsInQuery` (the event routes,
 * which a browser's EventSource opens without headers) an API key sent as `api_key` or
 * `access_token` stands in for `x-api-key` when no header carries one. A key in a URL can end up
 * in proxy and browser logs, which is why no other route takes it (docs/events.md).
 */
export function credentialHeaders(request: Pick<ApiRequest, 'headers' | 'query'>, route: Pick<RouteDefinition, 'credentialsInQuery'>): HeaderReader {
  if (!route.credentialsInQuery) return request.headers;
  const fromQuery = EVENT_STREAM_CREDENTIAL_PARAMETERS.map((name) => request.query.get(name)?.trim()).find((value) => value);
  if (!fromQuery) return request.headers;
  return {
    get: (name) => {
      const header = request.headers.get(name);
      if (name.toLowerCase() !== API_KEY_HEADER || header?.trim()) return header;
      return request.headers.get('authorization')?.trim() ? null : fromQuery;
    },
  };
}
