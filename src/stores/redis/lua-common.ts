/**
 * Lua shared by the Redis store's scripts, prepended to each. It ports, number for number,
 * the parts of src/core/risk.ts and src/core/ramp.ts the scripts need: Redis's Lua numbers
 * are IEEE doubles like JavaScript's, and math.floor/ceil/max/min/pow behave alike, so the
 * script decides what the memory store decides. (pow may differ from V8's in the last bit,
 * which moves a decision only for a score within one ulp of a threshold.)
 *
 * Numbers travel as strings formatted with %.17g, which round-trips a double exactly: a Lua
 * number returned as is would be truncated to an integer reply.
 */
export const LUA_NUMBERS = `
local function num(x)
  local n = tonumber(x)
  if n == nil or n ~= n or n == math.huge or n == -math.huge then return 0 end
  return n
end

local function fmt(x) return string.format('%.17g', x) end

-- A number for a reply, exactly and without formatting (string.format('%.17g') costs about
-- 1 µs in Redis's Lua): a whole number as an integer reply; any other as {M, E} with
-- x = M × 2^E, M a whole number below 2^53 (math.frexp). The caller reads both (replyNumber).
local rv_floor, rv_frexp, RV_WHOLE, RV_M = math.floor, math.frexp, 2^53, 2^53
local function rv(x)
  if x == rv_floor(x) and x < RV_WHOLE and x > -RV_WHOLE then return x end
  if x ~= x or x == math.huge or x == -math.huge then return fmt(x) end
  local m, e = rv_frexp(x)
  return {m * RV_M, e - 53}
end
`;

export const LUA_COMMON = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
${LUA_NUMBERS}
-- Time: the caller's (tests only) or the Redis server's, so instances with skewed clocks agree.
-- Whole milliseconds, as the gateway's own clock gives: state then mostly holds whole numbers,
-- which are cheap to write and answer.
local function now_ms(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A positive TTL in whole ms for a key that must live until \`at\`.
local function ttl_until(at, now)
  return math.max(1, math.ceil(at - now))
end

-- risk.ts decayScore
local function decay(score, at, now, h)
  local s = num(score)
  if not (s > 0) then return 0 end
  local elapsed = math.max(0, num(now) - num(at))
  return s * math.pow(2, -elapsed / h)
end

-- Risk record fields: state (s a b u), shadow state (S A B U), first seen (f), cohort (c),
-- and when the record may be dropped (x).
local RISK_FIELDS = {'s', 'a', 'b', 'u', 'S', 'A', 'B', 'U', 'f', 'c', 'x'}

local function read_risk(key)
  local v = redis.call('HMGET', key, unpack(RISK_FIELDS))
  if v[9] == false then return nil end
  local r = {}
  for i = 1, 9 do r[i] = num(v[i]) end
  r[10] = v[10]
  r[11] = num(v[11])
  return r
end

-- One layer of the reply: present flag (1/0), the nine numbers, the cohort ('' for none).
local function push_risk(out, r)
  if r == nil then
    out[#out + 1] = 0
    for i = 1, 10 do out[#out + 1] = '' end
    return
  end
  out[#out + 1] = 1
  for i = 1, 9 do out[#out + 1] = rv(r[i]) end
  out[#out + 1] = r[10] or ''
end
`;
