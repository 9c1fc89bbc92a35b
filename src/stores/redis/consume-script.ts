import { LUA_COMMON } from './lua-common.ts';

/**
 * The consume script: one call decides a request (or, in cluster mode, one slot's share of it).
 *
 * ARGV (see consume-args.ts, which writes it):
 *   1 now ('' = Redis TIME)        2 risk mode: 0 none, 1 read the risk keys, 2 given in 5..6
 *   3 layer mask (1 identity, 2 prefix, 4 cohort: which risk keys lead KEYS, in that order)
 *   4 the cohort an identity seen for the first time gets (the current prefix's cohort tag)
 *   5 mode 1: half-life | mode 2: the quota factor    6 mode 1: shrink threshold | mode 2: age ms
 *   7 challenge threshold (-1 none)   8 shrink factor   9 policy in shadow (0/1)   10 risk TTL ms
 *   11 most targets per set   12 target-set TTL ms   13 return the targets added (0/1)
 *   14 number of checks, then per check: algorithm (1 gcra, 2 sliding, 3 fixed), limit,
 *      windowMs, burst, cost, ramp from (-1 none), ramp over ms, number of targets (-1: not a
 *      distinct check), then that many target fingerprints.
 * KEYS: the risk keys named by the mask, then per check its state hash and, for a distinct
 * check, its target set (same hash tag, same slot).
 *
 * Reply: 'cohort', <tag> when the identity's stored cohort is not the one given in KEYS (the
 * caller retries with it, nothing was written). Otherwise 'ok', now, allowed (1/0), risk denied
 * (1/0), 11 fields per risk layer in the mask (see push_risk), then 6 per check: allowed,
 * remaining, resetMs, retryAfterMs, cost charged, next s0; then, with ARGV[13], per distinct
 * check the number of targets added and the targets.
 */
const CONSUME_BODY = `
local EPS = 1e-6

local function gcra(limit, w, burst, fresh, s0, cost, now)
  local interval = w / limit
  local tau = burst * interval
  local tat = s0
  if fresh or s0 < now then tat = now end
  local newTat = tat + cost * interval
  local allowAt = newTat - tau
  if allowAt <= now + EPS then
    return true, math.max(0, math.floor((tau - (newTat - now)) / interval + EPS)), newTat - now, 0,
      newTat, 0, 0, newTat
  end
  local retry = allowAt - now
  if cost > burst then retry = w end
  return false, math.max(0, math.floor((tau - (tat - now)) / interval + EPS)), tat - now, retry,
    tat, 0, 0, tat
end

local function sliding_retry(w, limit, start, previous, current, cost, now)
  if cost > limit then return w end
  if current + cost <= limit and previous > 0 then
    local f = 1 - (limit - current - cost) / previous
    return math.max(1, math.ceil(start + f * w - now))
  end
  local f = 0
  if current > 0 then f = math.max(0, 1 - (limit - cost) / current) end
  return math.max(1, math.ceil(start + w + f * w - now))
end

local function sliding(limit, w, fresh, s0, s1, s2, cost, now)
  local start = math.floor(now / w) * w
  local previous, current = 0, 0
  if not fresh then
    if s0 >= start then
      start = s0
      previous = s1
      current = s2
    elseif s0 == start - w then
      previous = s2
    end
  end
  local elapsed = math.min(1, math.max(0, (now - start) / w))
  local estimate = previous * (1 - elapsed) + current
  local ok, remaining, retry, n2
  if estimate + cost <= limit + 1e-9 then
    ok, remaining, retry, n2 = true, math.max(0, math.floor(limit - estimate - cost + 1e-9)), 0, current + cost
  else
    ok, remaining, n2 = false, math.max(0, math.floor(limit - estimate + 1e-9)), current
    retry = sliding_retry(w, limit, start, previous, current, cost, now)
  end
  local last = start + w
  if n2 > 0 then last = start + 2 * w end
  return ok, remaining, math.max(0, last - now), retry, start, previous, n2, last
end

local function fixed(limit, w, fresh, s0, s1, cost, now)
  local start = math.floor(now / w) * w
  local windowStart, spent = start, 0
  if not fresh and s0 >= start then windowStart, spent = s0, s1 end
  local finish = windowStart + w
  if spent + cost <= limit then
    return true, limit - spent - cost, finish - now, 0, windowStart, spent + cost, 0, finish
  end
  local retry = finish - now
  if cost > limit then retry = w end
  return false, math.max(0, limit - spent), finish - now, retry, windowStart, spent, 0, finish
end

-- ramp.ts rampFactor and scaledCost
local function ramp_factor(from, over, age)
  if not (age > 0) then return from end
  if age >= over then return 1 end
  return from + ((1 - from) * age) / over
end

local function scaled_cost(cost, factor)
  if factor >= 1 or cost == 0 then return cost end
  return math.ceil(cost / math.max(factor, 1e-9))
end

-- The enforced response's rank for one state (risk.ts respond): 0 none or observe, 2 shrink,
-- 3 challenge, 4 block. A policy in shadow enforces at most observe.
local function enforced_rank(score, at, blockedUntil, now, h, shrinkAt, challengeAt, shadow)
  if shadow then return 0 end
  local t = math.max(now, at)
  if t < blockedUntil then return 4 end
  local s = decay(score, at, t, h)
  if challengeAt >= 0 and s >= challengeAt then return 3 end
  if shrinkAt >= 0 and s >= shrinkAt then return 2 end
  return 0
end

local now = now_ms(ARGV[1])
local mode = tonumber(ARGV[2])
local ki = 1
local out = {'ok', fmt(now), '1', '0'}
local scale = mode ~= 0
local quota, age = 1, 0

if mode == 1 then
  local mask = tonumber(ARGV[3])
  local cohort = ARGV[4]
  local h, shrinkAt, challengeAt = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
  local shrinkFactor, shadow, riskTtl = tonumber(ARGV[8]), ARGV[9] == '1', tonumber(ARGV[10])
  local records = {}
  if mask % 2 == 1 then
    local key = KEYS[ki]
    local r = read_risk(key)
    if r == nil then
      redis.call('HSET', key, 'f', fmt(now), 'c', cohort)
      r = {0, 0, 0, 0, 0, 0, 0, 0, now, cohort, 0}
    elseif r[10] == false then
      redis.call('HSET', key, 'c', cohort)
      r[10] = cohort
    elseif math.floor(mask / 4) % 2 == 1 and r[10] ~= cohort then
      return {'cohort', r[10]}
    end
    -- An identity's first-seen time is its age: kept at least riskTtl after its last request.
    redis.call('PEXPIRE', key, math.max(riskTtl, ttl_until(r[11], now)))
    age = math.max(0, now - r[9])
    records[#records + 1] = r
    ki = ki + 1
  end
  if math.floor(mask / 2) % 2 == 1 then
    records[#records + 1] = read_risk(KEYS[ki]) or false
    ki = ki + 1
  end
  if math.floor(mask / 4) % 2 == 1 then
    records[#records + 1] = read_risk(KEYS[ki]) or false
    ki = ki + 1
  end
  local rank = 0
  for _, r in ipairs(records) do
    if r then
      push_risk(out, r)
      rank = math.max(rank, enforced_rank(r[1], r[2], r[4], now, h, shrinkAt, challengeAt, shadow))
    else
      push_risk(out, nil)
    end
  end
  if rank >= 3 then
    -- Blocked or challenged: refused before any limit is stepped, so nothing is charged.
    out[3] = '0'
    out[4] = '1'
    return out
  end
  if rank == 2 then quota = shrinkFactor end
elseif mode == 2 then
  quota, age = tonumber(ARGV[5]), tonumber(ARGV[6])
end

local maxTargets, targetTtl, wantAdded = tonumber(ARGV[11]), tonumber(ARGV[12]), ARGV[13] == '1'
local n = tonumber(ARGV[14])
local ai = 15
local allowed = true
local checks = {}
for i = 1, n do
  local alg, limit, w = tonumber(ARGV[ai]), tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2])
  local burst, cost = tonumber(ARGV[ai + 3]), tonumber(ARGV[ai + 4])
  local rampFrom, rampOver, nt = tonumber(ARGV[ai + 5]), tonumber(ARGV[ai + 6]), tonumber(ARGV[ai + 7])
  ai = ai + 8
  local c = {key = KEYS[ki]}
  ki = ki + 1
  if nt >= 0 then
    c.tkey = KEYS[ki]
    ki = ki + 1
    -- The caller sends each target once; charge only those this key has never queried.
    local unseen = {}
    for j = ai, ai + nt - 1 do
      if redis.call('SISMEMBER', c.tkey, ARGV[j]) == 0 then unseen[#unseen + 1] = ARGV[j] end
    end
    ai = ai + nt
    c.unseen = unseen
    cost = #unseen
  end
  if scale then
    local factor = quota
    if rampFrom >= 0 then factor = quota * ramp_factor(rampFrom, rampOver, age) end
    cost = scaled_cost(cost, factor)
  end
  local st = redis.call('HMGET', c.key, 'p', 'q', 'r', 'e')
  local fresh = st[4] == false or num(st[4]) <= now
  local s0, s1, s2 = num(st[1]), num(st[2]), num(st[3])
  if alg == 1 then
    c.ok, c.remaining, c.reset, c.retry, c.s0, c.s1, c.s2, c.exp = gcra(limit, w, burst, fresh, s0, cost, now)
  elseif alg == 2 then
    c.ok, c.remaining, c.reset, c.retry, c.s0, c.s1, c.s2, c.exp = sliding(limit, w, fresh, s0, s1, s2, cost, now)
  else
    c.ok, c.remaining, c.reset, c.retry, c.s0, c.s1, c.s2, c.exp = fixed(limit, w, fresh, s0, s1, cost, now)
  end
  c.cost = cost
  if not c.ok then allowed = false end
  checks[i] = c
end

if allowed then
  -- All or nothing: state and target sets are written only when every check allowed.
  for i = 1, n do
    local c = checks[i]
    if c.cost > 0 then
      local ttl = ttl_until(c.exp, now)
      redis.call('HSET', c.key, 'p', fmt(c.s0), 'q', fmt(c.s1), 'r', fmt(c.s2), 'e', fmt(c.exp))
      redis.call('PEXPIRE', c.key, ttl)
      local u = c.unseen
      if u ~= nil and #u > 0 then
        -- Bounded: a set that would pass maxTargets is forgotten whole. Its targets count as
        -- new again, which makes the limit stricter, never looser.
        if redis.call('SCARD', c.tkey) + #u > maxTargets then redis.call('DEL', c.tkey) end
        if #u <= maxTargets then
          for j = 1, #u, 1000 do
            redis.call('SADD', c.tkey, unpack(u, j, math.min(#u, j + 999)))
          end
          redis.call('PEXPIRE', c.tkey, math.max(ttl, targetTtl))
        end
      end
    end
  end
else
  out[3] = '0'
end

for i = 1, n do
  local c = checks[i]
  local ok = '0'
  if c.ok then ok = '1' end
  out[#out + 1] = ok
  out[#out + 1] = fmt(c.remaining)
  out[#out + 1] = fmt(c.reset)
  out[#out + 1] = fmt(c.retry)
  out[#out + 1] = fmt(c.cost)
  out[#out + 1] = fmt(c.s0)
end
if wantAdded then
  for i = 1, n do
    local u = checks[i].unseen
    if u ~= nil then
      if allowed and checks[i].cost > 0 then
        out[#out + 1] = tostring(#u)
        for j = 1, #u do out[#out + 1] = u[j] end
      else
        out[#out + 1] = '0'
      end
    end
  end
end
return out
`;

export const CONSUME_SCRIPT = LUA_COMMON + CONSUME_BODY;
