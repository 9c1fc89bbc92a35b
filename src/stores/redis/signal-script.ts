import { LUA_COMMON } from './lua-common.ts';

/**
 * The signal script: adds a detector's signal to the risk layers in its KEYS, with the
 * arithmetic of risk.ts addSignal, and answers the layers' records for the reading.
 *
 * ARGV: 1 now ('' = Redis TIME)   2 layer mask (1 identity, 2 prefix, 4 cohort)   3 the cohort
 *   a new identity gets   4 half-life   5 block threshold (-1 none)   6 block base ms
 *   7 block multiplier   8 block max ms   9 forget blocks after ms   10 lowest threshold
 *   (-1 none)   11 risk TTL ms   12 policy in shadow (0/1)   13 signal is a shadow rule's (0/1)
 *   14..16 weight for identity, prefix, cohort (signal weight × the layer's share)
 *   17 the identity is already blocked: -1 look at KEYS (the identity is there), 0 no, 1 yes
 *   18 the identity's tag, 19 the prefix: the subject the admin API names the record by
 *   (fields k = 'i' | 'p' and l; risk-admin.ts)
 * KEYS: the risk keys named by the mask, in that order.
 * Reply: 'cohort', <tag> as for consume; else 'ok', now, 11 fields per layer (see push_risk)
 * and, for the identity, its blockedUntil before the signal (for the cluster's second call).
 */
const SIGNAL_BODY = `
local now = now_ms(ARGV[1])
local mask, cohort = tonumber(ARGV[2]), ARGV[3]
local h, blockAt = tonumber(ARGV[4]), tonumber(ARGV[5])
local base, mult, maxMs, forget = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local lowest, riskTtl = tonumber(ARGV[10]), tonumber(ARGV[11])
local lookupShadow, signalShadow = ARGV[12] == '1', ARGV[13] == '1'
local weights = {tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])}
local ownBlocked = tonumber(ARGV[17])
local labels = {ARGV[18] or '', ARGV[19] or ''}

-- risk.ts blocksAt, blockDurationMs, addSignal and expiresAt, on (score, at, blocks, blockedUntil).
local function blocks_at(blocks, blockedUntil, now)
  local b = math.max(0, math.floor(num(blocks)))
  if b > 0 and now >= num(blockedUntil) + forget then return 0 end
  return b
end

local function block_duration(previous)
  local n = math.max(0, math.floor(num(previous)))
  return math.min(maxMs, base * math.pow(mult, n))
end

local function add_signal(score, at, blocks, blockedUntil, weight, now, shadow)
  local t = math.max(now, num(at))
  local s = math.max(0, decay(score, at, t, h) + weight)
  local b = blocks_at(blocks, blockedUntil, t)
  local u = num(blockedUntil)
  if not shadow and blockAt >= 0 and s >= blockAt and t >= u then
    u = t + block_duration(b)
    b = b + 1
  end
  return s, t, b, u
end

local function expires_at(score, at, blocks, blockedUntil)
  local lapses = blockedUntil
  if blocks > 0 then lapses = blockedUntil + forget end
  local scoreLapses = at
  if lowest >= 0 then
    local floor = lowest / 1024
    if score > floor then scoreLapses = at + h * (math.log(score / floor) / math.log(2)) end
  end
  return math.max(at, lapses, scoreLapses)
end

local layers = {}
local ki = 1
for bit = 0, 2 do
  if math.floor(mask / (2 ^ bit)) % 2 == 1 then
    local key = KEYS[ki]
    ki = ki + 1
    local r = read_risk(key)
    if r == nil then
      r = {0, 0, 0, 0, 0, 0, 0, 0, now, false, 0}
      if bit == 0 then r[10] = cohort end
    elseif bit == 0 and r[10] == false then
      r[10] = cohort
    elseif bit == 0 and math.floor(mask / 4) % 2 == 1 and r[10] ~= cohort then
      return {'cohort', r[10]}
    end
    layers[#layers + 1] = {bit = bit, key = key, r = r}
  end
end

local before = 0
if mask % 2 == 1 then before = layers[1].r[4] end
-- An identity already blocked adds nothing more to its networks (risk-table.ts signal).
if ownBlocked < 0 then
  ownBlocked = 0
  if mask % 2 == 1 and now < before then ownBlocked = 1 end
end

local out = {'ok', fmt(now)}
for _, layer in ipairs(layers) do
  local r = layer.r
  local weight = weights[layer.bit + 1]
  if not (ownBlocked == 1 and layer.bit ~= 0) and weight > 0 then
    if signalShadow or lookupShadow then
      r[5], r[6], r[7], r[8] = add_signal(r[5], r[6], r[7], r[8], weight, now, true)
    end
    if not signalShadow then
      r[1], r[2], r[3], r[4] = add_signal(r[1], r[2], r[3], r[4], weight, now, lookupShadow)
    end
  end
  r[11] = math.max(expires_at(r[1], r[2], r[3], r[4]), expires_at(r[5], r[6], r[7], r[8]))
  local fields = {'s', fmt(r[1]), 'a', fmt(r[2]), 'b', fmt(r[3]), 'u', fmt(r[4]),
    'S', fmt(r[5]), 'A', fmt(r[6]), 'B', fmt(r[7]), 'U', fmt(r[8]), 'f', fmt(r[9]), 'x', fmt(r[11])}
  if r[10] then
    fields[#fields + 1] = 'c'
    fields[#fields + 1] = r[10]
  end
  if layer.bit < 2 and labels[layer.bit + 1] ~= '' then
    fields[#fields + 1] = 'k'
    fields[#fields + 1] = layer.bit == 0 and 'i' or 'p'
    fields[#fields + 1] = 'l'
    fields[#fields + 1] = labels[layer.bit + 1]
  end
  redis.call('HSET', layer.key, unpack(fields))
  redis.call('PEXPIRE', layer.key, math.max(riskTtl, ttl_until(r[11], now)))
  push_risk(out, r)
end
out[#out + 1] = fmt(before)
return out
`;

export const SIGNAL_SCRIPT = LUA_COMMON + SIGNAL_BODY;
