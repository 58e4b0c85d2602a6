import { readFleet } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/fleet: the running workers (from their heartbeats) and their consumer group's lag per topic and partition. */
export const fleetGet: RouteDefinition = {
  name: 'fleet-get',
  methods: ['GET'],
  route: 'v1/fleet',
  authLevel: 'function',
  create: (deps) => async (request) => jsonResponse(200, await readFleet(deps.fleet, request.query.entries())),
};
