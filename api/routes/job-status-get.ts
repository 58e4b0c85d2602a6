import { getJobStatus } from '../../core/domain/index.js';
import { DtqError } from '../../core/errors/index.js';
import type { RouteDefinition } from '../http/route-definition.js';
import { jsonResponse } from '../http/responses.js';

const PROGRESS_RPC_OUTCOME: Record<string, string> = {
  JOB_NOT_FOUND: 'not_found',
  STATUS_TIMEOUT: 'timeout',
  SERVICE_UNAVAILABLE: 'unavailable',
  INVALID_JOB_ID: 'invalid',
};

/** GET /v1/jobs/{job_id}/status: asked of the worker over the progress RPC; a job it does not know, of its result; a job with a callback, with its webhook. */
export const jobStatusGet: RouteDefinition = {
  name: 'job-status-get',
  methods: ['GET'],
  route: 'v1/jobs/{job_id}/status',
  authLevel: 'function',
  create: (deps) => async (request) => {
    try {
      const status = await getJobStatus({ progress: deps.progress, results: deps.results, webhooks: deps.webhooks, logger: deps.logger }, request.params.job_id, {
        timeoutMs: deps.progressRpcTimeoutMs,
        resultUrl: (id) => `/v1/jobs/${id}/result`,
      });
      deps.metrics.progressRpcCalls.inc({ outcome: 'ok' });
      return jsonResponse(200, status);
    } catch (error) {
      const code = error instanceof DtqError ? error.code : 'INTERNAL';
      deps.metrics.progressRpcCalls.inc({ outcome: PROGRESS_RPC_OUTCOME[code] ?? 'error' });
      throw error;
    }
  },
};
