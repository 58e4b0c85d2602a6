import { randomBytes } from 'node:crypto';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  createTraceState,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';

/**
 * dtq's spans go through the OpenTelemetry API only. With no SDK registered (the default) they
 * are no-ops and cost next to nothing; an operator who registers an SDK and exporter (e.g.
 * @opentelemetry/sdk-node, preloaded with `node --import`) gets them recorded, parented to the
 * trace context dtq carries from the HTTP request to the worker.
 */
const TRACER_NAME = 'dtq';

export interface RemoteSpan {
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  flags: number;
  tracestate?: string;
}

/** A context whose current span is a remote one: new spans become its children, in its trace. */
export function remoteParentContext(parent: RemoteSpan): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.flags,
    isRemote: true,
    ...(parent.tracestate ? { traceState: createTraceState(parent.tracestate) } : {}),
  });
}

/** 8 random bytes as 16 hex digits, never all zero (an invalid span id). */
export function randomSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

/**
 * The span id and flags to send downstream: the span's own when an SDK records it. A no-op
 * span only echoes its parent's ids, so it gets a fresh span id instead.
 */
export function outgoingSpan(span: Span, parent: RemoteSpan): { spanId: string; flags: number } {
  if (span.isRecording()) return { spanId: span.spanContext().spanId, flags: span.spanContext().traceFlags };
  return { spanId: randomSpanId(), flags: parent.flags };
}

/** Runs `work` inside a span of the given kind under `parent`; ends it and records a failure. */
export function inSpan<T>(
  name: string,
  options: { kind: SpanKind; attributes?: Attributes; parent: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const spanOptions = { kind: options.kind, ...(options.attributes ? { attributes: options.attributes } : {}) };
  return tracer.startActiveSpan(name, spanOptions, options.parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
