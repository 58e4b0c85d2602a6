import { randomUUID } from 'node:crypto';
import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import {
  TRACE_HEADERS,
  TracestateSchema,
  formatTraceparent,
  parseTraceparent,
  traceIdToUuidV4,
  uuidToTraceId,
} from '../../contracts/index.js';
import type { JobTrace } from '../../core/domain/index.js';
import { inSpan, outgoingSpan, randomSpanId, remoteParentContext, type RemoteSpan } from '../../telemetry/index.js';

export const TRACE_ID_HEADER = 'x-trace-id';

/** The trace one request belongs to. */
export interface RequestTrace {
  /** A UUID v4, as the contracts require of every trace_id; its 32 hex digits are the W3C trace id. */
  traceId: string;
  /** Trace context for what the request sends on (the job record). */
  downstream: JobTrace;
  /** `traceparent` and `x-trace-id` for the response. */
  responseHeaders: Record<string, string>;
  /** Fields of the request's log lines. */
  logFields: { trace_id: string; parent_traceparent?: string };
}

/**
 * Runs a request in a server span. An incoming `traceparent` whose trace id is a UUID v4 (as
 * written 8-4-4-4-12) is continued: the request, the job and its result share that trace id.
 * Any other valid traceparent cannot become a contract trace_id, so the request starts a new
 * trace and keeps the caller's traceparent as `parent_traceparent`. A malformed one is ignored.
 */
export function inRequestTrace<T>(
  headers: { get(name: string): string | null },
  span: { name: string; attributes?: Attributes },
  work: (trace: RequestTrace, span: Span) => Promise<T>,
): Promise<T> {
  const incoming = parseTraceparent(headers.get(TRACE_HEADERS.traceparent));
  const continued = incoming ? traceIdToUuidV4(incoming.traceId) : undefined;
  const traceId = continued ?? randomUUID();
  const tracestate = continued ? TracestateSchema.safeParse(headers.get(TRACE_HEADERS.tracestate) ?? undefined) : undefined;
  const parent: RemoteSpan =
    incoming && continued
      ? { traceId: incoming.traceId, spanId: incoming.parentId, flags: incoming.flags, ...(tracestate?.success && tracestate.data ? { tracestate: tracestate.data } : {}) }
      : { traceId: uuidToTraceId(traceId), spanId: randomSpanId(), flags: 1 };
  // Normalized (version 00, bounded length), never the raw header.
  const parentTraceparent = incoming && !continued ? formatTraceparent(incoming) : undefined;

  return inSpan(span.name, { kind: SpanKind.SERVER, parent: remoteParentContext(parent), ...(span.attributes ? { attributes: span.attributes } : {}) }, (active) => {
    const own = outgoingSpan(active, parent);
    const traceparent = formatTraceparent({ traceId: parent.traceId, parentId: own.spanId, flags: own.flags });
    return work(
      {
        traceId,
        downstream: {
          traceparent,
          ...(parent.tracestate ? { tracestate: parent.tracestate } : {}),
          ...(parentTraceparent ? { parentTraceparent } : {}),
        },
        responseHeaders: { [TRACE_HEADERS.traceparent]: traceparent, [TRACE_ID_HEADER]: traceId },
        logFields: { trace_id: traceId, ...(parentTraceparent ? { parent_traceparent: parentTraceparent } : {}) },
      },
      active,
    );
  });
}
