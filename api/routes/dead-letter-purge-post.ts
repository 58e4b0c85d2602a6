import { purgeDeadLetter } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/dead-letters/{id}/purge: marks a dead letter handled; it stays on the topic, set aside. */
export const deadLetterPurgePost: RouteDefinition = {
  name: 'dead-letter-purge-post',
  methods: ['POST'],
  route: 'v1/dead-letters/{id}/purge',
  authLevel: 'function',
  create: (deps) => async (request, { traceId }) => {
    const { reader, marks, topic } = deps.deadLetters;
    const mark = await purgeDeadLetter({ deadLetters: reader, marks, topic, now: deps.now, logger: deps.logger }, request.params.id, traceId);
    return jsonResponse(200, mark);
  },
};
