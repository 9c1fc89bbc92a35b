/**
 * An example agent module for scenarios: `attackers: [{ kind: module, module: ./agents/prefix-walker.ts,
 * options: { country: DE, numbersPerSecond: 500 } }]`. It registers one account, then asks
 * about one country's candidate numbers from the start of its range, a batch at a time, and
 * waits out any refusal. It uses only the documented AgentModule interface.
 */
import type { Agent, AgentEnvironment, AgentModule } from '../../src/sim/agent.ts';

interface Options {
  readonly country: string;
  readonly numbersPerSecond: number;
}

function readOptions(options: Readonly<Record<string, unknown>>): Options {
  const country = options['country'];
  const rate = options['numbersPerSecond'] ?? 100;
  if (typeof country !== 'string')
    throw new TypeError('prefix-walker: options.country must be a country code');
  if (typeof rate !== 'number' || rate <= 0)
    throw new TypeError('prefix-walker: options.numbersPerSecond must be a number above 0');
  return { country, numbersPerSecond: rate };
}

export function createAgents(raw: Readonly<Record<string, unknown>>, env: AgentEnvironment): Agent[] {
  const options = readOptions(raw);
  const country = env.countries.find((c) => c.code === options.country);
  if (!country) throw new RangeError(`prefix-walker: no country ${options.country} in this world`);
  const intervalMs = (env.batchSize / options.numbersPerSecond) * 1000;
  let token = '';
  let next = 0;
  const ip = `192.0.2.${1 + (env.index % 254)}`;

  const lookup = (ctx: Parameters<Agent['start']>[0]): void => {
    const take = Math.min(env.batchSize, country.candidateCount - next);
    if (take <= 0) return;
    const numbers = Array.from({ length: take }, (_, i) =>
      env.candidateAt(country.candidateOffset + next + i),
    );
    ctx.send({
      method: 'POST',
      path: '/v1/contacts/discover',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: { numbers },
      clientIp: ip,
    });
  };

  return [
    {
      id: `prefix-walker-${env.index}`,
      role: 'attacker',
      start(ctx) {
        ctx.send(
          {
            method: 'POST',
            path: '/v1/accounts',
            headers: { 'content-type': 'application/json' },
            body: { number: `+9980${String(env.index).padStart(8, '0')}` },
            clientIp: ip,
          },
          1,
        );
      },
      onResponse(response, tag, ctx) {
        if (tag === 1) {
          const issued = (response.body as { token?: unknown } | undefined)?.token;
          token = typeof issued === 'string' ? issued : '';
          lookup(ctx);
          return;
        }
        if (response.status === 200) next += env.batchSize;
        ctx.wakeAt(ctx.now() + (response.status === 200 ? intervalMs : 60_000));
      },
      onWake(_tag, ctx) {
        lookup(ctx);
      },
    },
  ];
}

export default { createAgents } satisfies AgentModule;
