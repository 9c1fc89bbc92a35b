import { LUA_COMMON } from './lua-common.ts';

/**
 * The refund script, cluster mode only: a request whose checks span several slots runs one
 * consume call per slot; when one slot denies after others committed, this takes back what
 * the allowed slots charged (cluster.ts refund, which leaves distinct checks alone). It
 * subtracts the charge rather than restoring the old state, so a request that another one
 * followed in between is refunded exactly its own units, and never more than is still owed:
 *
 * - GCRA: the TAT moves back by the charge's units that are still ahead of now. A charge that
 *   time has already repaid (in part) is refunded only the rest, else the refund would take back
 *   a unit a later request paid for.
 * - windows: the count of the window it was charged in is lowered, if that window is still the
 *   current or the previous one.
 *
 * ARGV: now ('' = Redis TIME), the number of checks, then per check: algorithm (1 gcra,
 * 2 sliding, 3 fixed), limit, windowMs, cost charged, s0 after the charge (GCRA: its TAT;
 * windows: the window start). KEYS: per check its state key (values as consume-script.ts writes
 * them). Reply: the number of checks refunded.
 */
export const REFUND_SCRIPT = `${LUA_COMMON}
local now = now_ms(ARGV[1])
local n = tonumber(ARGV[2])
local ai, done = 3, 0
for i = 1, n do
  local alg, limit, w = tonumber(ARGV[ai]), tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2])
  local cost, start = tonumber(ARGV[ai + 3]), tonumber(ARGV[ai + 4])
  ai = ai + 5
  local key = KEYS[i]
  local v = redis.call('GET', key)
  if v and cost > 0 then
    if alg == 1 then
      local tat = tonumber(v)
      local back = math.min(cost * (w / limit), math.max(0, start - now))
      if tat ~= nil and back > 0 then redis.call('SET', key, tat - back, 'KEEPTTL') end
    else
      local p, q, r = string.match(v, '^(%S+) (%S+) (%S+)$')
      p, q, r = tonumber(p), tonumber(q), tonumber(r)
      if p ~= nil and q ~= nil and r ~= nil then
        if alg == 2 and p == start then
          r = math.max(0, r - cost)
        elseif (alg == 2 and p == start + w) or (alg == 3 and p == start) then
          q = math.max(0, q - cost)
        end
        redis.call('SET', key, fmt(p) .. ' ' .. fmt(q) .. ' ' .. fmt(r), 'KEEPTTL')
      end
    end
    done = done + 1
  end
end
return done
`;
