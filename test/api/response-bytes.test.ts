import azureFunctions, { type HttpResponseInit } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { responseBytes } from '../../composition/node-http/response-bytes.js';
import { errorResponse, jsonResponse } from '../../api/http/responses.js';

const { HttpResponse } = azureFunctions;

/** What the Functions library's own HttpResponse puts on the wire for the same answer. */
async function viaHttpResponse(init: HttpResponseInit) {
  const response = new HttpResponse(init);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

const cases: Array<[string, HttpResponseInit]> = [
  ['a 202 with a Location', jsonResponse(202, { job_id: 'a', state: 'queued', note: 'ünïcode ✓' }, { location: '/v1/jobs/a/status', 'x-trace-id': 't' })],
  ['an error body', errorResponse('JOB_NOT_FOUND', 'no job a', 't')],
  ['a 503 with retry-after', errorResponse('SERVICE_UNAVAILABLE', 'redis is down', 't')],
  ['JSON without a content type', { status: 200, jsonBody: [1, 2, 3] }],
  ['no status', { jsonBody: { ok: true } }],
  ['mixed-case names and padded values', { status: 200, jsonBody: {}, headers: { 'X-Trace-Id': ' t ', 'Cache-Control': 'no-store' } }],
  ['a string body', { status: 200, body: 'plain text' }],
  ['a 204 with a JSON body', { status: 204, jsonBody: { dropped: true } }],
  ['a null JSON body', { status: 200, jsonBody: null }],
  ['Headers instead of a record', { status: 200, jsonBody: { a: 1 }, headers: new Headers({ 'x-a': '1' }) }],
  ['JSON false', { status: 200, jsonBody: false }],
];

describe('fallback host response bytes', () => {
  it.each(cases)('%s: same status, headers and body as HttpResponse', async (_name, init) => {
    const fast = await responseBytes(init);
    const reference = await viaHttpResponse(init);
    expect(fast.status).toBe(reference.status);
    expect(fast.headers).toEqual(reference.headers);
    expect(fast.body.toString('utf8')).toBe(reference.body.toString('utf8'));
  });
});
