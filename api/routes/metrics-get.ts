import type { RouteDefinition } from '../http/route-definition.js';
import { NOSNIFF } from '../http/responses.js';

/** GET /metrics: the API's Prometheus metrics in text exposition format. */
export const metricsGet: RouteDefinition = {
  name: 'metrics-get',
  methods: ['GET'],
  route: 'metrics',
  authLevel: 'anonymous',
  create: (deps) => async () => ({
    status: 200,
    body: await deps.metrics.registry.metrics(),
    headers: { 'content-type': deps.metrics.registry.contentType, ...NOSNIFF },
  }),
};
