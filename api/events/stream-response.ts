import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { parseQueryPairs } from '../../core/domain/index.js';
import { NOSNIFF } from '../http/responses.js';
import type { EventStreamBody } from './event-outbox.js';
import type { ApiRequest } from '../http/api-request.js';

/** An event route's query, parsed as the job list's is: a parameter given twice or unknown is refused. */
export function parseStreamQuery<T extends z.ZodType>(schema: T, request: ApiRequest): z.infer<T> {
  return parseQueryPairs(schema, request.query.entries());
}

/** Where a reconnecting EventSource resumes: its Last-Event-ID header, newer than any query parameter it was first opened with. */
export function lastEventIdOf(request: ApiRequest, fromQuery: string | undefined): string | undefined {
  const header = request.headers.get('last-event-id')?.trim();
  return header ? header : fromQuery;
}

/** A 200 whose body is the event stream; no proxy may buffer or cache it. */
export function eventStreamResponse(body: EventStreamBody): HttpResponseInit {
  return {
    status: 200,
    body,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      ...NOSNIFF,
    },
  };
}
