import { z } from 'zod';
import { UuidV4Schema } from './common.js';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) as dtq carries it: on HTTP requests
 * and responses, and as headers of the job record beside the contract's own headers.
 */
export const TRACE_HEADERS = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** An incoming traceparent dtq could not continue (its trace id is not a UUID v4). */
  parentTraceparent: 'dtq-parent-traceparent',
} as const;

/** `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`, lowercase, ids not all zero. */
export const TraceparentSchema = z
  .string()
  .regex(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent (version 00)');

/** tracestate is opaque to dtq; it is passed on only when short and printable. */
export const TracestateSchema = z.string().max(512).regex(/^[\x20-\x7e]*$/, 'must be printable ASCII');

export interface Traceparent {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits: the caller's span. */
  parentId: string;
  /** Trace flags; bit 0 is "sampled". */
  flags: number;
}

/**
 * Parses a traceparent header. Versions above 00 are read as the spec asks (the first four
 * fields, anything after a further dash ignored); anything malformed gives undefined.
 */
export function parseTraceparent(value: string | null | undefined): Traceparent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, flags: parseInt(flags, 16) };
}

export function formatTraceparent(parts: Traceparent): string {
  return `00-${parts.traceId}-${parts.parentId}-${(parts.flags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A UUID's 32 hex digits are a valid W3C trace id. */
export function uuidToTraceId(uuid: string): string {
  return uuid.replaceAll('-', '').toLowerCase();
}

/** The trace id as a UUID v4 (8-4-4-4-12), or undefined when it does not have that shape. */
export function traceIdToUuidV4(traceId: string): string | undefined {
  if (!/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  const uuid = `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`;
  return UuidV4Schema.safeParse(uuid).success ? uuid : undefined;
}
