import { listSchedules } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/schedules: every schedule, newest first. */
export const schedulesListGet: RouteDefinition = {
  name: 'schedules-list-get',
  methods: ['GET'],
  route: 'v1/schedules',
  authLevel: 'function',
  create: (deps) => async (request) => jsonResponse(200, { items: await listSchedules(deps.schedules, request.query.entries()) }),
};
