import { createHash } from 'node:crypto';
import { ReplyError } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/**
 * dtq's Lua scripts. Each one touches exactly one key, passed as KEYS[1]: a script is atomic
 * only within one hash slot, and a Redis Cluster (or a cluster behind a proxy) refuses a script
 * whose keys live in different slots (CROSSSLOT). `runScript` takes a single key, so a script
 * that needs two keys cannot be written by accident.
 */
export interface RedisScript {
  readonly lua: string;
  /** SHA-1 of the source: the name EVALSHA knows the script by. */
  readonly sha: string;
}

export function script(lua: string): RedisScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * A status write: the forward-only rule of `isForwardTransition` (core/ports/status-store.ts) —
 * terminal states are final, state never goes back, progress never decreases, a repeat is
 * allowed — and, for a worker's milestone, no pending cancel; then HSET and the TTL, atomically
 * on the job's hash.
 *
 * KEYS[1]: the status hash.
 * ARGV: ttl seconds, next state, next progress, '1' when a pending cancel refuses the write (else
 * '0'), '1' to answer the stored hash (else '0'), then field/value pairs to set.
 * Returns flags: 1 applied, 2 the hash is new (the caller then adds the job to the recent-jobs
 * index, a key of its own), 4 a cancel has been requested (whether or not the write applied).
 * When the write applied and the hash was asked for: `{flags, {state, progress_percent, message,
 * updated_at, job_type, schedule_id, error_code, error_message}}` (HMGET, in that order; nil for
 * a field not set), the status as this write left it, so the caller builds the change's event
 * without another round trip.
 */
export const WRITE_STATUS = script(`
local rank = { queued = 0, running = 1, completed = 2, failed = 2 }
local current = redis.call('HMGET', KEYS[1], 'state', 'progress_percent', 'cancel_requested_at')
local state = current[1]
local cancel = 0
if current[3] then cancel = 4 end
if state and rank[state] ~= nil then
  if state == 'completed' or state == 'failed' then return cancel end
  if rank[ARGV[2]] < rank[state] then return cancel end
  if tonumber(ARGV[3]) < (tonumber(current[2]) or 0) then return cancel end
end
if cancel == 4 and ARGV[4] == '1' then return cancel end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
local flags = 3 + cancel
if state then flags = 1 + cancel end
if ARGV[5] == '1' then
  return { flags, redis.call('HMGET', KEYS[1], 'state', 'progress_percent', 'message', 'updated_at', 'job_type', 'schedule_id', 'error_code', 'error_message') }
end
return flags
`);

/**
 * Adds a job to the recent-jobs index (member = job id, score = submission ms), trims entries
 * older than the TTL and refreshes the index's own TTL.
 *
 * KEYS[1]: the index. ARGV: ttl seconds, submission ms, job id. Returns 1.
 */
export const INDEX_RECENT = script(`
local ttl = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now_ms - ttl * 1000))
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
`);

/**
 * A cancel request on a job's status hash: a finished or unknown job is left alone, and so is a
 * running one whose progress has reached ARGV[5] (too late: its worker wrote its last milestone,
 * which the write script refuses while a cancel is pending, so the two never cross); another
 * running one gets `cancel_requested_at` (the first request's time is kept); a queued one also
 * ends `failed` at once with the given fields, keeping its progress. The TTL is left as it is.
 *
 * KEYS[1]: the status hash. ARGV: requested_at, message, error_code, error_message, too-late percent.
 * Returns the state before the request, 'too-late', or false (nil) for an unknown job.
 */
export const REQUEST_CANCEL = script(`
local current = redis.call('HMGET', KEYS[1], 'state', 'progress_percent')
local state = current[1]
if not state then return false end
if state == 'completed' or state == 'failed' then return state end
if state == 'running' and (tonumber(current[2]) or 0) >= tonumber(ARGV[5]) then return 'too-late' end
redis.call('HSETNX', KEYS[1], 'cancel_requested_at', ARGV[1])
if state == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'failed', 'updated_at', ARGV[1], 'message', ARGV[2], 'error_code', ARGV[3], 'error_message', ARGV[4])
end
return state
`);

/**
 * Sets one field of a hash that exists, keeping its TTL; an expired hash is not recreated.
 *
 * KEYS[1]: the hash. ARGV: field, value. Returns 1 when set, 0 when the hash is gone.
 */
export const SET_FIELD_IF_EXISTS = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/**
 * Adds an id once to a hash's comma-separated list field, keeping the TTL; an expired hash is
 * not recreated.
 *
 * KEYS[1]: the hash. ARGV: field, id. Returns 1 when the list holds the id, 0 when the hash is gone.
 */
export const ADD_TO_LIST_FIELD = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or current == '' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
for id in string.gmatch(current, '[^,]+') do
  if id == ARGV[2] then return 1 end
end
redis.call('HSET', KEYS[1], ARGV[1], current .. ',' .. ARGV[2])
return 1
`);

/** SET NX with a TTL; on conflict the value already there. Returns nil when the claim won. */
export const CLAIM_IDEMPOTENCY_KEY = script(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return nil end
return redis.call('GET', KEYS[1])
`);

/**
 * Marks the record enqueued while it still names job ARGV[1], keeping the key's TTL. The record
 * is rewritten whole (cjson re-encodes it); a record already marked is left as it is.
 * Returns 1 when the key now says enqueued, 0 when it is gone or names another job.
 */
export const MARK_IDEMPOTENCY_ENQUEUED = script(`
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local ok, record = pcall(cjson.decode, value)
if not ok or type(record) ~= 'table' or record.job_id ~= ARGV[1] then return 0 end
if record.enqueued == true then return 1 end
record.enqueued = true
redis.call('SET', KEYS[1], cjson.encode(record), 'KEEPTTL')
return 1
`);

/**
 * A job lease (a string holding its holder): taken when free or already the caller's, with the
 * TTL set anew either way.
 *
 * KEYS[1]: the lease. ARGV: holder, ttl ms. Returns 1 when the caller holds it now, 0 when another does.
 */
export const ACQUIRE_LEASE = script(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`);

/** KEYS[1]: the lease. ARGV: holder, ttl ms. Returns 1 when extended, 0 when it is gone or another's. */
export const RENEW_LEASE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/** KEYS[1]: the lease. ARGV: holder. Deletes it only while it is the holder's. Returns 1 when deleted. */
export const RELEASE_LEASE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`);

type ScriptArg = string | number;

/**
 * Runs a script on its one key: EVALSHA, and EVAL (which also caches it) when the node answers
 * NOSCRIPT — after a restart, a SCRIPT FLUSH, or on a cluster node that has not seen it yet.
 * Only built-in commands are used, so nothing is defined on the client: ioredis'
 * `defineCommand` combined with auto-pipelining breaks pipelines created before the definition
 * (`pipeline[name] is not a function`, `results[i] is not iterable`).
 */
export async function runScript(redis: RedisClient, definition: RedisScript, key: string, ...args: ScriptArg[]): Promise<unknown> {
  try {
    return await redis.evalsha(definition.sha, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof ReplyError) || !(error as Error).message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(definition.lua, 1, key, ...args);
  }
}
