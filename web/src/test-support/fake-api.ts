import { vi } from 'vitest';
import { describeJobTypes } from '../../../contracts/job-type-descriptions.js';

/** A JSON answer, or with `contentType` the body as it is (e.g. a text/event-stream). */
type Answer = { status: number; body: unknown; contentType?: string };

/** GET /v1/job-types as the API answers it for the catalog this bundle is built with. */
export const JOB_TYPES_ANSWER: Answer = {
  status: 200,
  body: describeJobTypes({ attempts: 3, backoff: { initial_ms: 200, max_ms: 2_000 } }),
};

/**
 * Stands in for the network at fetch(): answers by path (query string ignored) and records each
 * URL asked for, so component tests can render views that load data without a server. The job
 * types are answered from the catalog unless a test answers `/v1/job-types` itself.
 */
export function fakeApi(answers: Record<string, Answer | (() => Answer)>) {
  const requested: string[] = [];
  const routes: Record<string, Answer | (() => Answer)> = { '/v1/job-types': JOB_TYPES_ANSWER, ...answers };
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    requested.push(`${init?.method && init.method !== 'GET' ? `${init.method} ` : ''}${url.pathname}${url.search}`);
    const found = routes[url.pathname];
    const answer = typeof found === 'function' ? found() : found;
    if (!answer) return new Response(JSON.stringify({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route', trace_id: 't' } }), { status: 404 });
    if (answer.contentType) return new Response(String(answer.body), { status: answer.status, headers: { 'content-type': answer.contentType } });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  });
  return { requested };
}
