/**
 * What a Redis script spends its time on: INFO commandstats' usec_per_call for tiny scripts that
 * each do one thing, on the Redis given (default 127.0.0.1:6379). Explains the Redis store's
 * layout (src/stores/redis/consume-script.ts): fewer redis.call, fewer arguments, no %.17g.
 *
 *   npx tsx bench/redis-calls.ts [--redis 127.0.0.1:6379] [--calls 1000]
 *
 * Resets the server's command statistics (CONFIG RESETSTAT) between variants; keys live under a
 * random prefix and are deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';

const { values } = parseArgs({
  options: {
    redis: { type: 'string', default: '127.0.0.1:6379' },
    calls: { type: 'string', default: '1000' },
  },
});
const at = values.redis.lastIndexOf(':');
const client = new Redis({ host: values.redis.slice(0, at), port: Number(values.redis.slice(at + 1)) });
const calls = Number(values.calls);
const prefix = `egcalls-${randomUUID()}`;
const members = Array.from({ length: 1000 }, (_, i) => String(3_000_000_000 + i * 7919));
const args20 = Array.from({ length: 20 }, (_, i) => String(i));

interface Variant {
  readonly label: string;
  readonly lua: string;
  /** Divide the call's time by this many (per-number and per-argument costs). */
  readonly per?: number;
  readonly base?: string;
  args?(i: number): string[];
}
const variants: Record<string, Variant> = {
  empty: { label: 'an empty script (`return 1`)', lua: 'return 1' },
  get: { label: '`GET`', lua: `return redis.call('GET', KEYS[1] .. 'x')` },
  scard: { label: '`SCARD`', lua: `return redis.call('SCARD', KEYS[1])` },
  pexpire: { label: '`PEXPIRE`', lua: `return redis.call('PEXPIRE', KEYS[1], 2592000000)` },
  set: { label: '`SET k v PX ttl`', lua: `return redis.call('SET', KEYS[1] .. 'x', '12345', 'PX', 60000)` },
  sadd: {
    label: '`SADD` of 4 new members',
    lua: `return redis.call('SADD', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])`,
    args: (i) => [0, 1, 2, 3].map((j) => String(1e9 + i * 4 + j)),
  },
  smismember: {
    label: '`SMISMEMBER` of 50 members on a 1,000-member set',
    lua: `return #redis.call('SMISMEMBER', KEYS[1], unpack(ARGV))`,
    args: (i) => members.slice(i % 900, (i % 900) + 50),
  },
  format: {
    label: "`string.format('%.17g', x)`, per number (over the empty script)",
    lua: `local t = {} for i = 1, 60 do t[i] = string.format('%.17g', i / 3) end return #t`,
    per: 60,
    base: 'empty',
  },
  argument: {
    label: 'one argument (ARGV), per argument (over the empty script)',
    lua: `return #ARGV`,
    args: () => args20,
    per: 20,
    base: 'empty',
  },
};

async function measure(v: Variant): Promise<number> {
  const sha = (await client.script('LOAD', v.lua)) as string;
  const runs: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    await client.config('RESETSTAT');
    for (let i = 0; i < calls; i++) {
      await client.evalsha(sha, 1, `${prefix}:{${i % 100}}`, ...(v.args?.(rep * calls + i) ?? []));
    }
    const line = (await client.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha'));
    runs.push(Number(/usec_per_call=([\d.]+)/.exec(line ?? '')?.[1]));
  }
  return Math.min(...runs);
}

try {
  for (let k = 0; k < 100; k++) await client.sadd(`${prefix}:{${k}}`, ...members);
  const got = new Map<string, number>();
  console.log('| inside a script | µs per call (minimum of 5 × ' + calls.toLocaleString('en-US') + ') |');
  console.log('|---|---|');
  for (const [name, v] of Object.entries(variants)) {
    const t = await measure(v);
    got.set(name, t);
    const value = v.base === undefined ? t : (t - (got.get(v.base) ?? 0)) / (v.per ?? 1);
    console.log(`| ${v.label} | ${value.toFixed(2)} |`);
  }
} finally {
  for (let k = 0; k < 100; k++) await client.unlink(`${prefix}:{${k}}`, `${prefix}:{${k}}x`);
  client.disconnect();
}
