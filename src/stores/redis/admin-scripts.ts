import { LUA_COMMON } from './lua-common.ts';

/**
 * The admin API's two writes to one risk record (risk-admin.ts), each one script so a
 * gateway's signal cannot land between the read and the write.
 *
 * Block. KEYS: the record. ARGV: 1 now ('' = Redis TIME)  2 duration ms  3 kind ('i' | 'p')
 * 4 label (tag or prefix)  5 risk TTL ms  6 forget blocks after ms  7 half-life ms.
 * An identity without a record is not made (reply {0}); a network's is. The block counts like
 * a detector's (risk.ts addSignal): remembered blocks escalate the next one. Reply: {1, now}.
 */
export const ADMIN_BLOCK_SCRIPT = `${LUA_COMMON}
local now = now_ms(ARGV[1])
local key, d, kind, label = KEYS[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local riskTtl, forget, h = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local r = read_risk(key)
if r == nil then
  if kind == 'i' then return {0} end
  r = {0, 0, 0, 0, 0, 0, 0, 0, now, false, 0}
end
local t = math.max(now, r[2])
local s = decay(r[1], r[2], t, h)
local b = math.max(0, math.floor(r[3]))
if not (now < r[4]) then
  if b > 0 and now >= r[4] + forget then b = 0 end
  b = b + 1
end
local u = math.max(r[4], now + d)
local x = math.max(r[11], u + forget)
redis.call('HSET', key, 's', fmt(s), 'a', fmt(t), 'b', fmt(b), 'u', fmt(u),
  'S', fmt(r[5]), 'A', fmt(r[6]), 'B', fmt(r[7]), 'U', fmt(r[8]), 'f', fmt(r[9]), 'x', fmt(x),
  'k', kind, 'l', label)
redis.call('PEXPIRE', key, math.max(riskTtl, ttl_until(x, now)))
return {1, fmt(now)}
`;

/**
 * Lift. KEYS: the record. ARGV: 1 now. Clears the score, the block and the memory of blocks
 * (a lift answers a false positive), shadow state too. Reply: 1, or 0 when there is no record.
 */
export const ADMIN_LIFT_SCRIPT = `${LUA_COMMON}
local now = now_ms(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local at = fmt(now)
redis.call('HSET', KEYS[1], 's', '0', 'a', at, 'b', '0', 'u', '0', 'S', '0', 'A', at, 'B', '0', 'U', '0', 'x', at)
return 1
`;
