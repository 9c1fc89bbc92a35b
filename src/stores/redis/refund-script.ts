import { LUA_NUMBERS } from './lua-common.ts';

/**
 * The refund script, cluster mode only: a request whose checks span several slots runs one
 * consume call per slot; when one slot denies after others committed, this takes back what
 * the allowed slots charged. It subtracts the charge rather than restoring the old state, so
 * a request that another one followed in between is refunded exactly its own units.
 *
 * ARGV: number of checks, then per check: algorithm (1 gcra, 2 sliding, 3 fixed), limit,
 * windowMs, cost charged, the window start (s0) it was charged in, number of targets added
 * (-1: not a distinct check), then those targets. KEYS: per check its state hash and, for a
 * distinct check, its target set. Reply: the number of checks refunded.
 */
export const REFUND_SCRIPT = `${LUA_NUMBERS}
local n = tonumber(ARGV[1])
local ai, ki, done = 2, 1, 0
for i = 1, n do
  local alg, limit, w = tonumber(ARGV[ai]), tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2])
  local cost, start, nt = tonumber(ARGV[ai + 3]), tonumber(ARGV[ai + 4]), tonumber(ARGV[ai + 5])
  ai = ai + 6
  local key = KEYS[ki]
  ki = ki + 1
  local st = redis.call('HMGET', key, 'p', 'q', 'r')
  if st[1] ~= false and cost > 0 then
    local p, q, r = num(st[1]), num(st[2]), num(st[3])
    if alg == 1 then
      -- GCRA: move the TAT back by the units charged.
      local tat = p - cost * (w / limit)
      redis.call('HSET', key, 'p', fmt(tat), 'e', fmt(tat))
    elseif alg == 2 then
      if p == start then
        redis.call('HSET', key, 'r', fmt(math.max(0, r - cost)))
      elseif p == start + w then
        redis.call('HSET', key, 'q', fmt(math.max(0, q - cost)))
      end
    elseif p == start then
      redis.call('HSET', key, 'q', fmt(math.max(0, q - cost)))
    end
    done = done + 1
  end
  if nt >= 0 then
    local tkey = KEYS[ki]
    ki = ki + 1
    for j = ai, ai + nt - 1, 1000 do
      redis.call('SREM', tkey, unpack(ARGV, j, math.min(ai + nt - 1, j + 999)))
    end
    ai = ai + nt
  end
end
return done
`;
