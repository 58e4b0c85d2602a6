import { createHash } from 'node:crypto';
import { ReplyError } from 'ioredis';
import type { RedisClient } from './redis-connection.js';
import { keySlot } from './redis-key-slot.js';

/**
 * The Lua scripts of per-key limits. Unlike dtq's one-key scripts (redis-scripts.ts), each of
 * these touches the few keys of one scope, which share a hash tag (`{kl:<scope>}`) and so one
 * cluster slot: `runSlotScript` refuses keys that do not.
 */
export interface SlotScript {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): SlotScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

export async function runSlotScript(redis: RedisClient, definition: SlotScript, keys: string[], ...args: Array<string | number>): Promise<unknown> {
  const slot = keySlot(keys[0]!);
  if (keys.some((key) => keySlot(key) !== slot)) throw new Error(`keys of one script must share a hash slot: ${keys.join(', ')}`);
  try {
    return await redis.evalsha(definition.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof ReplyError) || !(error as Error).message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(definition.lua, keys.length, ...keys, ...args);
  }
}

/**
 * Shared head of the scope scripts: the time by the server's clock (one clock for all workers),
 * expired slot leases dropped, and hand-backs never confirmed whose reservation lapsed put back
 * at the head of the line, oldest first.
 * KEYS: 1 slots (zset job → lease expiry ms), 2 line (list of jobs), 3 records (hash job → record), 4 handing (zset job → deadline ms).
 */
const SCOPE_PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for i = #lapsed, 1, -1 do redis.call('LPUSH', KEYS[2], lapsed[i]) end
if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now) end
`;

/**
 * ARGV: job id, max, lease ms, record. A slot held or reserved for the job is renewed (and its
 * hand-back done); else a free slot is taken when nobody waits; else the job joins the line, once
 * (a job whose hand-back lapsed and that came anyway goes to the head). Returns {taken 1|0, running, waiting}.
 */
export const TAKE_OR_PARK = script(`${SCOPE_PRELUDE}
local id = ARGV[1]
if redis.call('ZSCORE', KEYS[1], id) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), id)
  redis.call('ZREM', KEYS[4], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('LREM', KEYS[2], 0, id)
  return {1, 0, 0}
end
local running = redis.call('ZCARD', KEYS[1])
if redis.call('LLEN', KEYS[2]) == 0 and running < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), id)
  return {1, running + 1, 0}
end
if redis.call('ZSCORE', KEYS[4], id) then
  redis.call('ZREM', KEYS[4], id)
  redis.call('LPUSH', KEYS[2], id)
elseif redis.call('HEXISTS', KEYS[3], id) == 0 then
  redis.call('RPUSH', KEYS[2], id)
end
redis.call('HSET', KEYS[3], id, ARGV[4])
return {0, running, redis.call('LLEN', KEYS[2])}
`);

/** ARGV: job id, lease ms. Returns 1 when the job's lease was still held and is extended. */
export const RENEW_SLOT = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) <= now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return 1
`);

/**
 * ARGV: max, reserve ms, and optionally a job id whose slot is freed first. While slots are free and jobs wait, the head of the line gets a slot
 * reserved and moves to handing, both until now + reserve ms. Returns {id, record, id, record, …}.
 */
export const HAND_BACK = script(`${SCOPE_PRELUDE}
if ARGV[3] then redis.call('ZREM', KEYS[1], ARGV[3]) end
local out = {}
while redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) do
  local id = redis.call('LPOP', KEYS[2])
  if not id then break end
  local record = redis.call('HGET', KEYS[3], id)
  if record then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), id)
    redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), id)
    out[#out + 1] = id
    out[#out + 1] = record
  end
end
return out
`);

/** KEYS: handing, records. ARGV: job id. The hand-back is done: forget the record. */
export const CONFIRM_HAND_BACK = script(`
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1
`);

/** KEYS: the waiting-scopes index. ARGV: scope, the score it was seen with. Removes it only if nobody parked since. */
export const FORGET_SCOPE = script(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and score == ARGV[2] then redis.call('ZREM', KEYS[1], ARGV[1]) return 1 end
return 0
`);

/** KEYS: due (zset job → due ms), records. ARGV: job id, due ms, record. */
export const PARK_DELAYED = script(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`);

/**
 * KEYS: due, records. ARGV: limit, hold ms. Jobs due by now are held (due again at now + hold
 * unless confirmed). Returns {id, record, held-until, …}.
 */
export const TAKE_DUE = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local out = {}
for _, id in ipairs(ids) do
  local record = redis.call('HGET', KEYS[2], id)
  if record then
    local held = now + tonumber(ARGV[2])
    redis.call('ZADD', KEYS[1], held, id)
    out[#out + 1] = id
    out[#out + 1] = record
    out[#out + 1] = tostring(held)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`);

/** KEYS: due, records. ARGV: job id, held-until. Forgets the job unless it was parked again since. */
export const CONFIRM_DUE = script(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 1
`);
