import { LUA_COMMON } from './lua-common.ts';

/**
 * The consume script: one call decides one or more requests (a batch, see batch.ts), each on
 * its own and all-or-nothing, in order. In cluster mode a call carries one slot's share of one
 * request.
 *
 * ARGV (see consume-args.ts, which writes it):
 *   1 now ('' = Redis TIME, read once per call, whole ms)
 *   2 most targets per set   3 target-set TTL ms
 *   4 write (1, or 0 for a dry run: decided, no limit state or target written)
 *   5 number of limit state keys K (they lead KEYS, one per check of every request, in order)
 *   6 number of limit specs S, then per spec: algorithm (1 gcra, 2 sliding, 3 fixed), limit,
 *     windowMs, burst, ramp from (-1 none), ramp over ms
 *   then the number of requests R, then per request:
 *     risk mode: 0 none | 1 read the risk keys, followed by: layer mask (1 identity, 2 prefix,
 *       4 cohort: which risk keys lead the request's other KEYS, in that order), the cohort an
 *       identity seen for the first time gets, half-life, shrink threshold (-1 none), challenge
 *       threshold (-1 none), shrink factor, policy in shadow (0/1), risk TTL ms | 2 given: quota
 *       factor, age ms;
 *     the number of checks, then per check: its spec number and cost; or, for a distinct check,
 *       minus its spec number, the number of targets and the target fingerprints (the cost is
 *       the number of targets the set has not seen).
 * KEYS: the K limit state keys, read by one MGET; then per request the risk keys named by its
 * mask, then per distinct check its target set (same hash tag as its state key, same slot).
 * Each redis.call costs a few µs whatever it does (Redis 7.0), and each argument a fraction of
 * one: the call reads every state at once and TIME once, a request writes one SET per limit it
 * charges (once per call for a key several requests charge), and a single-limit request
 * travels as four arguments and one key.
 *
 * State: one string per limit key, written with its TTL in the same SET: "<tat>" for GCRA,
 * "<start> <previous> <current>" for the windows. A value that does not parse is a fresh state
 * (a key whose algorithm changed in a policy edit starts afresh).
 *
 * Reply: one reply per request. 'cohort', <tag> when the identity's stored cohort is not the one
 * given in its KEYS (the caller retries with it; nothing of that request was written). Otherwise
 * now, allowed (1/0), risk denied (1/0), 11 fields per risk layer in the mask (see push_risk),
 * then 6 per check: allowed, remaining, resetMs, retryAfterMs, cost charged, next s0. Numbers that are whole
 * travel as integer replies, the rest as exact %.17g strings (rv in lua-common.ts).
 */
const CONSUME_BODY = `
local EPS = 1e-6

local floor = math.floor
local now = now_ms(ARGV[1])

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

local function parse_state(alg, v)
  if not v then return true, 0, 0, 0 end
  if alg == 1 then
    local tat = tonumber(v)
    if tat == nil then return true, 0, 0, 0 end
    return false, tat, 0, 0
  end
  local a, b, c = string.match(v, '^(%S+) (%S+) (%S+)$')
  a, b, c = tonumber(a), tonumber(b), tonumber(c)
  if a == nil or b == nil or c == nil then return true, 0, 0, 0 end
  return false, a, b, c
end

local function state_value(alg, s0, s1, s2)
  if alg == 1 then return s0 end
  if s0 == floor(s0) and s1 == floor(s1) and s2 == floor(s2) and math.abs(s0) < 2^53 then
    return string.format('%d %d %d', s0, s1, s2)
  end
  return string.format('%.17g %.17g %.17g', s0, s1, s2)
end

local maxTargets, targetTtl, write = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1'

-- Every limit state of the call in one MGET (KEYS[1..K]); later requests of a batch read what
-- earlier ones wrote from this table, which the writes below keep current.
local stateCount = tonumber(ARGV[5])
local states = {}
-- Written states, flushed once per key at the end of the call: a key several requests of a
-- batch charge (a global limit, a busy subnet) costs one SET, not one per request.
local dirty, dirtyKeys = {}, {}
for j = 1, stateCount, 1000 do
  local last = math.min(stateCount, j + 999)
  local values = redis.call('MGET', unpack(KEYS, j, last))
  for m = 1, #values do states[KEYS[j + m - 1]] = values[m] end
end

local specs = {}
local ai = 7
for s = 1, tonumber(ARGV[6]) do
  specs[s] = {tonumber(ARGV[ai]), tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2]),
    tonumber(ARGV[ai + 3]), tonumber(ARGV[ai + 4]), tonumber(ARGV[ai + 5])}
  ai = ai + 6
end

-- Risk: reads the layers named by r.mask from KEYS[r.ki]; answers the reply's head, the
-- enforced rank (0 none, 2 shrink, 3 challenge, 4 block) and the identity's age, or a cohort
-- reply when the identity's stored cohort is not the one the caller named.
local function read_layers(r, out)
  local ki, mask = r.ki, r.mask
  local records = {}
  local age = 0
  if mask % 2 == 1 then
    local key = KEYS[ki]
    local rec = read_risk(key)
    if rec == nil then
      redis.call('HSET', key, 'f', now, 'c', r.cohort)
      rec = {0, 0, 0, 0, 0, 0, 0, 0, now, r.cohort, 0}
    elseif rec[10] == false then
      redis.call('HSET', key, 'c', r.cohort)
      rec[10] = r.cohort
    elseif math.floor(mask / 4) % 2 == 1 and rec[10] ~= r.cohort then
      return nil, {'cohort', rec[10]}
    end
    -- An identity's first-seen time is its age: kept at least riskTtl after its last request.
    redis.call('PEXPIRE', key, math.max(r.ttl, ttl_until(rec[11], now)))
    age = math.max(0, now - rec[9])
    records[#records + 1] = rec
    ki = ki + 1
  end
  if math.floor(mask / 2) % 2 == 1 then
    records[#records + 1] = read_risk(KEYS[ki]) or false
    ki = ki + 1
  end
  if math.floor(mask / 4) % 2 == 1 then
    records[#records + 1] = read_risk(KEYS[ki]) or false
  end
  local rank = 0
  for _, rec in ipairs(records) do
    if rec then
      push_risk(out, rec)
      rank = math.max(rank, enforced_rank(rec[1], rec[2], rec[4], now, r.h, r.shrinkAt, r.challengeAt, r.shadow))
    else
      push_risk(out, nil)
    end
  end
  return rank, age
end

-- Decides one request whose arguments were parsed: r its risk (or nil), checks its checks.
local function decide(r, quota, age, checks)
  local out = {now, 1, 0}
  local scale = r ~= nil
  if r ~= nil and r.mask ~= nil then
    local rank, a = read_layers(r, out)
    if rank == nil then return a end
    if rank >= 3 then
      -- Blocked or challenged: refused before any limit is stepped, so nothing is charged.
      out[2] = 0
      out[3] = 1
      return out
    end
    age = a
    if rank == 2 then quota = r.shrinkFactor end
  end

  local allowed = true
  for i = 1, #checks do
    local c = checks[i]
    local spec = c.spec
    local alg, limit, w, burst = spec[1], spec[2], spec[3], spec[4]
    local cost = c.cost
    if c.tkey ~= nil then
      -- The caller sends each target once; charge only those this key has never queried.
      local unseen = {}
      local first, last = c.t0, c.t0 + c.nt - 1
      for j = first, last, 1000 do
        local member = redis.call('SMISMEMBER', c.tkey, unpack(ARGV, j, math.min(last, j + 999)))
        for m = 1, #member do
          if member[m] == 0 then unseen[#unseen + 1] = ARGV[j + m - 1] end
        end
      end
      c.unseen = unseen
      cost = #unseen
    end
    if scale then
      local factor = quota
      if spec[5] >= 0 then factor = quota * ramp_factor(spec[5], spec[6], age) end
      cost = scaled_cost(cost, factor)
    end
    local fresh, s0, s1, s2 = parse_state(alg, states[c.key])
    if alg == 1 then
      c.ok, c.remaining, c.reset, c.retry, c.s0, c.s1, c.s2, c.exp = gcra(limit, w, burst, fresh, s0, cost, now)
    elseif alg == 2 then
      c.ok, c.remaining, c.reset, c.retry, c.s0, c.s1, c.s2, c.exp = sliding(limit, w, fresh, s0, s1, s2, cost, now)
    else
      c.ok, c.remaining, c.reset, c.retry, c.s0, c.s1, c.s2, c.exp = fixed(limit, w, fresh, s0, s1, cost, now)
    end
    c.cost = cost
    if not c.ok then allowed = false end
  end

  if not allowed then
    out[2] = 0
  elseif write then
    -- All or nothing: state and target sets are written only when every check allowed.
    for i = 1, #checks do
      local c = checks[i]
      if c.cost > 0 then
        local ttl = ttl_until(c.exp, now)
        local value = state_value(c.spec[1], c.s0, c.s1, c.s2)
        states[c.key] = value
        if dirty[c.key] == nil then dirtyKeys[#dirtyKeys + 1] = c.key end
        dirty[c.key] = ttl
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
  end

  for i = 1, #checks do
    local c = checks[i]
    local ok = 0
    if c.ok then ok = 1 end
    out[#out + 1] = ok
    out[#out + 1] = rv(c.remaining)
    out[#out + 1] = rv(c.reset)
    out[#out + 1] = rv(c.retry)
    out[#out + 1] = rv(c.cost)
    out[#out + 1] = rv(c.s0)
  end
  return out
end

-- Every request is parsed whole before it is decided, so one that ends early (a cohort reply,
-- a refusal by risk) leaves the positions right for the next.
local replies = {}
local si, ki = 1, stateCount + 1
for q = 1, tonumber(ARGV[ai]) do
  ai = ai + 1
  local mode = tonumber(ARGV[ai])
  local r, quota, age = nil, 1, 0
  if mode == 1 then
    r = {mask = tonumber(ARGV[ai + 1]), cohort = ARGV[ai + 2], h = tonumber(ARGV[ai + 3]),
      shrinkAt = tonumber(ARGV[ai + 4]), challengeAt = tonumber(ARGV[ai + 5]),
      shrinkFactor = tonumber(ARGV[ai + 6]), shadow = ARGV[ai + 7] == '1', ttl = tonumber(ARGV[ai + 8]),
      ki = ki}
    ki = ki + (r.mask % 2) + (math.floor(r.mask / 2) % 2) + (math.floor(r.mask / 4) % 2)
    ai = ai + 9
  elseif mode == 2 then
    r = {}
    quota, age = tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2])
    ai = ai + 3
  else
    ai = ai + 1
  end
  local checks = {}
  for i = 1, tonumber(ARGV[ai]) do
    local x = tonumber(ARGV[ai + 1])
    local c = {key = KEYS[si]}
    si = si + 1
    if x < 0 then
      c.spec, c.nt, c.t0, c.tkey, c.cost = specs[-x], tonumber(ARGV[ai + 2]), ai + 3, KEYS[ki], 0
      ki = ki + 1
      ai = ai + 2 + c.nt
    else
      c.spec, c.cost = specs[x], tonumber(ARGV[ai + 2])
      ai = ai + 2
    end
    checks[i] = c
  end
  replies[q] = decide(r, quota, age, checks)
end
for _, key in ipairs(dirtyKeys) do
  redis.call('SET', key, states[key], 'PX', dirty[key])
end
return replies
`;

export const CONSUME_SCRIPT = LUA_COMMON + CONSUME_BODY;
