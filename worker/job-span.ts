import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { TRACE_HEADERS, parseTraceparent } from '../contracts/index.js';
import type { DeliveredRecord } from '../core/ports/index.js';
import { inSpan, remoteParentContext } from '../telemetry/index.js';

/**
 * Runs the handling of one job record in a consumer span that continues the trace of the
 * request that submitted it (the record's `traceparent` header). A record without one starts
 * a trace of its own.
 */
export function inJobSpan<T>(record: DeliveredRecord, work: () => Promise<T>): Promise<T> {
  const parent = parseTraceparent(record.headers[TRACE_HEADERS.traceparent]);
  const tracestate = record.headers[TRACE_HEADERS.tracestate];
  const context = parent
    ? remoteParentContext({ traceId: parent.traceId, spanId: parent.parentId, flags: parent.flags, ...(tracestate ? { tracestate } : {}) })
    : ROOT_CONTEXT;
  return inSpan(
    `process ${record.topic}`,
    {
      kind: SpanKind.CONSUMER,
      parent: context,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': record.topic,
        'messaging.destination.partition.id': String(record.partition),
        'messaging.kafka.offset': Number(record.offset),
        // The record key is the job id (contracts), as job_id on the submitting request's span.
        ...(record.key !== null ? { 'messaging.kafka.message.key': record.key, job_id: record.key } : {}),
      },
    },
    work,
  );
}
