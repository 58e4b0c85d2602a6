import type { Redis } from 'ioredis';

/**
 * The status write, in one round trip and atomically: the forward-only rule of
 * `isForwardTransition` (core/ports/status-store.ts) — terminal states are final, state never
 * goes back, progress never decreases, a repeat is allowed — then HSET, the TTL, and the
 * recent-jobs index (score = submission time in ms), trimmed of entries older than the TTL.
 *
 * KEYS: status hash, recent-jobs index.
 * ARGV: ttl seconds, next state, next progress, job id, submission ms ('' when the write has
 *       none), then field/value pairs to set. Returns 1 when applied, 0 when refused.
 */
const WRITE_STATUS_LUA = `
local rank = { queued = 0, running = 1, completed = 2, failed = 2 }
local ttl = tonumber(ARGV[1])
local current = redis.call('HMGET', KEYS[1], 'state', 'progress_percent')
local state = current[1]
if state and rank[state] ~= nil then
  if state == 'completed' or state == 'failed' then return 0 end
  if rank[ARGV[2]] < rank[state] then return 0 end
  if tonumber(ARGV[3]) < (tonumber(current[2]) or 0) then return 0 end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[1], ttl)
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
end
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now_ms - ttl * 1000))
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
`;

/** SET NX with a TTL; on conflict the value already there. Returns nil when the claim won. */
const CLAIM_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return nil end
return redis.call('GET', KEYS[1])
`;

/** Deletes the key only while its record still names job ARGV[1]. Returns 1 when deleted. */
const RELEASE_LUA = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
local ok, record = pcall(cjson.decode, value)
if ok and type(record) == 'table' and record.job_id == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

const SCRIPTS = {
  dtqWriteStatus: { lua: WRITE_STATUS_LUA, numberOfKeys: 2 },
  dtqClaimIdempotencyKey: { lua: CLAIM_LUA, numberOfKeys: 1 },
  dtqReleaseIdempotencyKey: { lua: RELEASE_LUA, numberOfKeys: 1 },
} as const;

export type ScriptName = keyof typeof SCRIPTS;
type ScriptArg = string | number;
type ScriptCommands = Record<ScriptName, (...args: ScriptArg[]) => Promise<unknown>>;

/**
 * dtq's Lua scripts as commands of the client. ioredis sends them with EVALSHA and falls back
 * to EVAL when the server does not know the script yet (after a restart or SCRIPT FLUSH).
 */
export function withScripts(redis: Redis): ScriptCommands {
  const commands = redis as unknown as Partial<ScriptCommands>;
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (typeof commands[name as ScriptName] !== 'function') redis.defineCommand(name, definition);
  }
  return redis as unknown as ScriptCommands;
}
