import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /healthz: liveness only; it touches no dependency. */
export const healthzGet: RouteDefinition = {
  name: 'healthz-get',
  methods: ['GET', 'HEAD'],
  route: 'healthz',
  authLevel: 'anonymous',
  create: () => async () => jsonResponse(200, { status: 'ok' }),
};
