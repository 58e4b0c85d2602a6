/** ApiVersions (key 18), v0-v2. */
import { ErrorCode } from '../protocol/errors.js';
import { Writer } from '../protocol/writer.js';
import type { ApiRange, RequestContext } from './context.js';

export function encodeApiVersions(apis: readonly ApiRange[], errorCode: number, version: number): Writer {
  const w = new Writer();
  w.int16(errorCode);
  w.array(apis, (w, a) => w.int16(a.key).int16(a.minVersion).int16(a.maxVersion));
  if (version >= 1) w.int32(0); // throttle_time_ms
  return w;
}

export function handleApiVersions(ctx: RequestContext): Writer {
  // v0-v2 requests have an empty body.
  return encodeApiVersions(ctx.broker.supportedApis, ErrorCode.NONE, ctx.apiVersion);
}
