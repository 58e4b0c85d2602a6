/**
 * FindCoordinator (10) v0-v2, JoinGroup (11) v0-v5, SyncGroup (14) v0-v3,
 * Heartbeat (12) v0-v3 and LeaveGroup (13) v0-v3. Wire parsing only; the
 * membership rules live in groups/group.ts.
 */
import type { JoinResult } from '../groups/types.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { NODE_ID, type RequestContext } from './context.js';

export function handleFindCoordinator(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  r.string(); // key: group id or transactional id; node 0 coordinates everything
  if (v >= 1) r.int8(); // key_type
  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  w.int16(ErrorCode.NONE);
  if (v >= 1) w.nullableString(null); // error_message
  return w.int32(NODE_ID).string(ctx.broker.host).int32(ctx.broker.port);
}

export async function handleJoinGroup(ctx: RequestContext, r: Reader): Promise<Writer> {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));

  let result: JoinResult;
  if (groupId === '') {
    result = rejected(ErrorCode.INVALID_GROUP_ID, memberId);
  } else if (sessionTimeoutMs <= 0 || rebalanceTimeoutMs <= 0) {
    result = rejected(ErrorCode.INVALID_SESSION_TIMEOUT, memberId);
  } else {
    result = await ctx.broker.groups.getOrCreate(groupId).join({
      memberId,
      groupInstanceId,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType,
      protocols,
      requireKnownMemberId: v >= 4,
    });
  }

  const w = new Writer();
  if (v >= 2) w.int32(0); // throttle_time_ms
  w.int16(result.errorCode).int32(result.generationId).string(result.protocolName);
  w.string(result.leaderId).string(result.memberId);
  w.array(result.members, (w, m) => {
    w.string(m.memberId);
    if (v >= 5) w.nullableString(m.groupInstanceId);
    w.bytes(m.metadata);
  });
  return w;
}

function rejected(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

export async function handleSyncGroup(ctx: RequestContext, r: Reader): Promise<Writer> {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group_instance_id
  const assignments = new Map<string, Buffer>();
  r.array((r) => assignments.set(r.string(), Buffer.from(r.bytes())));

  const group = ctx.broker.groups.get(groupId);
  const result = group
    ? await group.sync(memberId, generationId, assignments)
    : { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };

  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  return w.int16(result.errorCode).bytes(result.assignment);
}

export function handleHeartbeat(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group_instance_id
  const group = ctx.broker.groups.get(groupId);
  const errorCode = group ? group.heartbeat(memberId, generationId) : ErrorCode.UNKNOWN_MEMBER_ID;
  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  return w.int16(errorCode);
}

export function handleLeaveGroup(ctx: RequestContext, r: Reader): Writer {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const leaving =
    v >= 3
      ? r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }))
      : [{ memberId: r.string(), groupInstanceId: null }];
  const group = ctx.broker.groups.get(groupId);
  const results = leaving.map((m) => ({
    ...m,
    errorCode: group ? group.leave(m.memberId) : ErrorCode.UNKNOWN_MEMBER_ID,
  }));

  const w = new Writer();
  if (v >= 1) w.int32(0); // throttle_time_ms
  if (v < 3) return w.int16(results[0]!.errorCode);
  w.int16(ErrorCode.NONE);
  w.array(results, (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
  return w;
}
