import type { ApiRequest } from '../http/api-request.js';
import { ReplayDeadLetterRequestSchema } from '../../contracts/index.js';
import { PARSE_OPTIONS, replayDeadLetter, toFieldIssues } from '../../core/domain/index.js';
import { DtqError, InvalidBodyError } from '../../core/errors/index.js';
import { readJsonBody } from '../http/read-json-body.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

const OUTCOMES: Record<string, string> = { DEAD_LETTER_INVALID: 'invalid', DEAD_LETTER_JOB_DONE: 'job_done', DEAD_LETTER_NOT_FOUND: 'not_found' };

/**
 * The corrected job message a replay may carry (`{"value": {...}}`); none when the request has no
 * body, which replays the record as it is.
 */
async function readCorrection(request: ApiRequest): Promise<Record<string, unknown> | undefined> {
  if (!request.headers.get('content-type') && !Number(request.headers.get('content-length') ?? '0')) return undefined;
  const body = ReplayDeadLetterRequestSchema.safeParse(await readJsonBody(request), PARSE_OPTIONS);
  if (!body.success) throw new InvalidBodyError(toFieldIssues(body.error));
  return body.data.value;
}

/** POST /v1/dead-letters/{id}/replay: a dead letter (or its corrected value) back on its job topic, when it passes the contract. */
export const deadLetterReplayPost: RouteDefinition = {
  name: 'dead-letter-replay-post',
  methods: ['POST'],
  route: 'v1/dead-letters/{id}/replay',
  authLevel: 'function',
  create: (deps) => async (request, { traceId }) => {
    const { reader, queue, topicTemplate, marks, topic } = deps.deadLetters;
    const corrected = await readCorrection(request);
    try {
      const replayed = await replayDeadLetter(
        { deadLetters: reader, queue, topicTemplate, marks, deadLetterTopic: topic, results: deps.results, statuses: deps.statuses, now: deps.now, logger: deps.logger },
        request.params.id,
        traceId,
        corrected,
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
