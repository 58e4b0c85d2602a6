/** DescribeGroups (key 15) v0-v4, ListGroups (key 16) v0-v2 and DeleteGroups (key 42) v0-v1. */
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { RequestContext } from './context.js';

/** Sent when authorized operations were not asked for (Kafka uses INT32_MIN). */
const OPERATIONS_UNKNOWN = -2147483648;

export function handleDescribeGroups(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupIds = r.stringArray();
  if (v >= 3) r.bool(); // include_authorized_operations: no ACLs here

  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  w.array(groupIds, (w, groupId) => {
    const d = ctx.broker.groups.get(groupId)?.describe();
    // A group known only from committed offsets is Empty; one never seen is Dead.
    const state = d?.state ?? (ctx.broker.groups.offsets.hasGroup(groupId) ? 'Empty' : 'Dead');
    w.int16(ErrorCode.NONE).string(groupId);
    w.string(state).string(d?.protocolType ?? '').string(d?.protocolName ?? '');
    w.array(d?.members ?? [], (w, m) => {
      w.string(m.memberId);
      if (v >= 4) w.nullableString(m.groupInstanceId);
      w.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
    });
    if (v >= 3) w.int32(OPERATIONS_UNKNOWN);
  });
  return w;
}

export function handleListGroups(ctx: RequestContext): Writer {
  const v = ctx.apiVersion;
  // v0-v2 requests have an empty body.
  const groups = ctx.broker.groups.groupIds().map((groupId) => ({
    groupId,
    protocolType: ctx.broker.groups.get(groupId)?.protocolType ?? '',
  }));
  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  w.int16(ErrorCode.NONE);
  w.array(groups, (w, g) => w.string(g.groupId).string(g.protocolType));
  return w;
}

export function handleDeleteGroups(ctx: RequestContext, r: Reader): Writer {
  const results = r.stringArray().map((groupId) => ({ groupId, errorCode: ctx.broker.groups.delete(groupId) }));
  const w = new Writer();
  w.int32(0); // throttle_time_ms
  w.array(results, (w, g) => w.string(g.groupId).int16(g.errorCode));
  return w;
}
