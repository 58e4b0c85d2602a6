import { IDEMPOTENCY_KEY_HEADER, type BatchSubmitResponse } from '../../contracts/index.js';
import { BATCH_SUBMIT_DEADLINE_MS, submitBatch } from '../../core/domain/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { readJsonBody } from '../http/read-json-body.js';
import { jsonResponse } from '../http/responses.js';

/** POST /v1/jobs/batch: up to 1,000 jobs in one request, each answered in its place. */
export const jobsBatchPost: RouteDefinition = {
  name: 'jobs-batch-post',
  methods: ['POST'],
  route: 'v1/jobs/batch',
  authLevel: 'function',
  create: (deps) => async (request, { traceId, trace, startedAt }) => {
    const body = await readJsonBody(request);
    const batch = await submitBatch(deps.submit, {
      body,
      idempotencyKey: request.headers.get(IDEMPOTENCY_KEY_HEADER),
      traceId,
      trace,
      deadlineAt: startedAt + BATCH_SUBMIT_DEADLINE_MS,
    });
    const answer: BatchSubmitResponse = {
      items: batch.items.map((item) =>
        item.accepted
          ? { job_id: item.job_id, status_url: `/v1/jobs/${item.job_id}/status` }
          : { error: { ...item.error, trace_id: traceId } },
      ),
      accepted: batch.accepted,
      rejected: batch.rejected,
    };
    for (const item of batch.items) {
      if (item.accepted) deps.metrics.jobsSubmitted.inc({ job_type: item.job_type, replayed: String(batch.replayed) });
    }
    if (batch.replayed) deps.metrics.batchItems.inc({ outcome: 'replayed' }, batch.items.length);
    else {
      deps.metrics.batchItems.inc({ outcome: 'accepted' }, batch.accepted);
      deps.metrics.batchItems.inc({ outcome: 'rejected' }, batch.rejected);
    }
    return jsonResponse(202, answer, batch.replayed ? { 'idempotent-replayed': 'true' } : {});
  },
};
