import { listDeadLetters } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** GET /v1/dead-letters?limit=&cursor=: records on the dead-letter topic, newest first, each with its handled mark. */
export const deadLettersGet: RouteDefinition = {
  name: 'dead-letters-get',
  methods: ['GET'],
  route: 'v1/dead-letters',
  authLevel: 'function',
  create: (deps) => async (request) =>
    jsonResponse(200, await listDeadLetters(deps.deadLetters.reader, deps.deadLetters.topic, request.query.entries(), deps.deadLetters.marks)),
};
