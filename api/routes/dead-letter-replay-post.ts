import { replayDeadLetter } from '../../core/domain/index.js';
import { DtqError } from '../../core/errors/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

const OUTCOMES: Record<string, string> = { DEAD_LETTER_INVALID: 'invalid', DEAD_LETTER_JOB_DONE: 'job_done', DEAD_LETTER_NOT_FOUND: 'not_found' };

/** POST /v1/dead-letters/{id}/replay: a dead letter back on its job topic, when it now passes the contract. */
export const deadLetterReplayPost: RouteDefinition = {
  name: 'dead-letter-replay-post',
  methods: ['POST'],
  route: 'v1/dead-letters/{id}/replay',
  authLevel: 'function',
  create: (deps) => async (request, { traceId }) => {
    const { reader, queue, topicTemplate } = deps.deadLetters;
    try {
      const replayed = await replayDeadLetter(
        { deadLetters: reader, queue, topicTemplate, results: deps.results, statuses: deps.statuses, now: deps.now, logger: deps.logger },
        request.params.id,
        traceId,
      );
      deps.metrics.deadLetterReplays.inc({ outcome: 'replayed' });
      return jsonResponse(202, replayed, { location: replayed.status_url });
    } catch (error) {
      const outcome = error instanceof DtqError ? OUTCOMES[error.code] : undefined;
      if (outcome) deps.metrics.deadLetterReplays.inc({ outcome });
      throw error;
    }
  },
};
