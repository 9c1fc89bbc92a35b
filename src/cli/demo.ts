import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { manualClock } from '../core/clock.ts';
import { formatE164 } from '../reference/e164.ts';
import { startReferenceService } from '../reference/http.ts';
import { createPopulation, type Population } from '../reference/population/population.ts';
import type { Agent } from '../sim/agent.ts';
import { legitUser } from '../sim/agents/legit-user.ts';
import { scanner } from '../sim/agents/scanner.ts';
import { httpTransport } from '../sim/http-transport.ts';
import { scorecardTable, type PolicyRun } from '../sim/report.ts';
import { runSimulation } from '../sim/runner.ts';
import { createScorecard } from '../sim/scorecard.ts';
import type { CliIo } from './io.ts';
import { parsePort } from './options.ts';
import { isEnumguardError } from '../core/errors.ts';
import { startGateway, type RunningGateway } from './start-gateway.ts';

const POLICY = fileURLToPath(new URL('../../examples/reference-policy.yaml', import.meta.url));
const REPLAY_MS = 8000;
/** The demo's admin listener (the reference policy has no server.admin: the demo adds its own). */
const DEMO_ADMIN = {
  host: '127.0.0.1',
  port: 8081,
  tokenEnv: 'ENUMGUARD_ADMIN_TOKEN',
  maxStreams: 16,
  hosts: [],
} as const;

const HELP = `Usage: enumguard demo [options]

Starts the reference contact-discovery API and the gateway in front of it (with
examples/reference-policy.yaml), replays an enumeration attack straight at the API and through
the gateway, prints both scorecards, then keeps both running for you to try. Ctrl-C stops.

Options:
  --port N              the gateway's port (default 8080; 0 picks a free one)
  --admin-port N        the dashboard's port (default 8081; 0 picks a free one)
  --exit-after-replay   stop after the replay instead of staying up`;
const LEGIT_USERS = 40;

/**
 * `npm start`: the reference contact-discovery service, enumguard's gateway in front of it,
 * and a short real-time replay of an enumeration attack plus legit traffic over loopback,
 * once straight at the service and once through the gateway.
 */
export async function runDemo(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8080' },
        'admin-port': { type: 'string', default: '8081' },
        'exit-after-replay': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`enumguard demo: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const port = parsePort('--port', values.port);
  const adminPort = parsePort('--admin-port', values['admin-port']);
  if (!port.ok || !adminPort.ok) {
    io.stderr(`enumguard demo: ${port.ok ? (adminPort as { error: string }).error : port.error}\n\n${HELP}`);
    return 2;
  }
  // A login for this run only, handed to the admin listener directly: nothing to export first.
  const token = randomBytes(24).toString('base64url');
  const population = createPopulation({ seed: 1, accounts: 20_000 });
  const service = await startReferenceService({ population, port: 0 });
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      policyPath: POLICY,
      upstream: service.url,
      port: port.value,
      host: '127.0.0.1',
      logger: pino({ name: 'enumguard', level: 'warn' }),
      admin: { config: { ...DEMO_ADMIN, port: adminPort.value }, token },
    });
  } catch (err) {
    await service.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr(
        `Port ${port.value} is taken: pick another with --port, e.g. npx enumguard demo --port 8181 ` +
          '(npm start -- --port 8181 in the repository)',
      );
      return 1;
    }
    if (isEnumguardError(err) && err.message.includes('server.admin.listen')) {
      io.stderr(
        `The dashboard's port ${adminPort.value} is taken: pick another with --admin-port, e.g. --admin-port 8182`,
      );
      return 1;
    }
    throw err;
  }
  const through = `http://127.0.0.1:${gateway.address.port}`;
  io.stdout(`enumguard demo
  reference contact-discovery API  ${service.url}  (${population.accountCount.toLocaleString('en-US')} accounts among ${population.candidateCount.toLocaleString('en-US')} valid numbers)
  enumguard gateway in front of it ${through}  (policy ${POLICY})
  dashboard                        ${gateway.admin?.url ?? ''}  (one-time login: ${token})

Replaying ${REPLAY_MS / 1000} s of traffic twice, in real time over loopback: one scanner testing random valid
numbers at 3,000/s, and ${LEGIT_USERS} people installing the app and syncing their address books.
Open the dashboard to watch the scan through the gateway as it happens.`);

  const runs: PolicyRun[] = [];
  for (const [label, url] of [
    ['straight to the API', service.url],
    ['through enumguard', through],
  ] as const) {
    io.stdout(`  … ${label}`);
    runs.push({ policy: label, scorecard: await replay(population, url) });
  }
  io.stdout(`\n${scorecardTable(runs)}\n`);
  const [open, guarded] = runs;
  if (open && guarded) {
    io.stdout(
      `The scanner learned ${open.scorecard.attacker.accountsRevealed.toLocaleString('en-US')} accounts without the gateway and ` +
        `${guarded.scorecard.attacker.accountsRevealed.toLocaleString('en-US')} through it.`,
    );
  }
  io.stdout(`
Try it yourself (the gateway trusts loopback as its load balancer, so X-Forwarded-For sets your address):
  TOKEN=$(curl -s -X POST ${through}/v1/accounts -H 'content-type: application/json' \\
          -d '{"number":"+14155550100"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
  curl -i -X POST ${through}/v1/contacts/discover -H "authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' -d '{"numbers":["+14155550101","+5511987654321"]}'
  npx enumguard simulate --scenario scenarios/whatsapp-2024.yaml \\
      --policy policies/enumguard-default.yaml --compare baselines --html report.html

Edit ${relative(process.cwd(), POLICY)} while this runs: the gateway reloads it. Ctrl-C stops.`);

  const stop = async (): Promise<void> => {
    await gateway.stop(1000);
    await service.close();
  };
  if (values['exit-after-replay']) {
    await stop();
    return 0;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (): void => {
      void stop().finally(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  return 0;
}

async function replay(population: Population, url: string) {
  const agents: Agent[] = [];
  for (let account = 0; account < LEGIT_USERS; account++) {
    agents.push(
      legitUser({
        id: `legit-${account}`,
        number: formatE164(population.numberOf(account)),
        contacts: () => Array.from(population.addressBook(account), formatE164),
        clientIp: `10.1.${account >> 8}.${account & 255}`,
        installAt: (account / LEGIT_USERS) * (REPLAY_MS / 2),
        resyncEveryMs: 86_400_000,
        newContactsPerWeek: 0,
        batchSize: 1000,
        newContact: (ctx) => formatE164(population.candidateAt(ctx.rng.int(population.candidateCount))),
      }),
    );
  }
  agents.push(
    scanner({
      id: 'scanner',
      accounts: ['+99900000001'],
      clientIp: () => '203.0.113.66',
      numbersPerSecond: 3000,
      batchSize: 500,
      startAt: 200,
      targets: (ctx, count) =>
        Array.from({ length: count }, () =>
          formatE164(population.candidateAt(ctx.rng.int(population.candidateCount))),
        ),
    }),
  );
  const scorecard = createScorecard(population.accountCount);
  const run = await runSimulation({
    agents,
    transport: httpTransport(url),
    observer: scorecard,
    clock: manualClock(0),
    seed: 1,
    durationMs: REPLAY_MS,
    latencyMs: 0,
    realTime: true,
  });
  return scorecard.result(run);
}
