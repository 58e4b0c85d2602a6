import { jobStats } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/stats: jobs per state and type in the status window, and jobs ended per minute over the last hour. */
export const statsGet: RouteDefinition = {
  name: 'stats-get',
  methods: ['GET'],
  route: 'v1/stats',
  authLevel: 'function',
  create: (deps) => async (request) => jsonResponse(200, await jobStats(deps.statuses, request.query.entries(), { now: deps.now, statusTtlSeconds: deps.statusTtlSeconds })),
};
