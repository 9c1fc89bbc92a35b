import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startDemoUpstream } from './demo-upstream.ts';
import type { CliIo } from './io.ts';
import { startGateway } from './start-gateway.ts';

const EXAMPLE_POLICY = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));

/**
 * `npm start`: the example policy in front of a toy contact-discovery API, a short tour of
 * what the gateway answers, then it keeps running for curl until Ctrl-C.
 */
export async function runDemo(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', default: '8080' }, 'exit-after-tour': { type: 'boolean' } },
  });
  const upstream = await startDemoUpstream();
  const logger = pino({ name: 'enumguard', level: 'warn' });
  let running;
  try {
    running = await startGateway({
      policyPath: EXAMPLE_POLICY,
      upstream: upstream.url,
      port: Number(values.port),
      host: '127.0.0.1',
      logger,
    });
  } catch (err) {
    upstream.server.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr(`Port ${values.port} is taken. Try: npm start -- --port 8181`);
      return 1;
    }
    throw err;
  }
  const base = `http://127.0.0.1:${running.address.port}`;
  io.stdout(`enumguard demo: gateway ${base} → toy contact-discovery API ${upstream.url}`);
  io.stdout(`policy: ${EXAMPLE_POLICY}\n`);

  await tour(base, io);

  io.stdout(`Try it yourself:
  curl -i ${base}/healthz
  curl -i -X POST ${base}/v1/contacts/discover -H 'content-type: application/json' -d '{"numbers":["+14155550100"]}'
  curl -i -X POST ${base}/v1/contacts/discover -H 'x-api-key: demo-key-alice' \\
       -H 'content-type: application/json' -d '{"numbers":["+14155550100","+14155550101"]}'
  for i in $(seq 25); do curl -s -o /dev/null -w '%{http_code} ' -X POST ${base}/v1/contacts/discover \\
       -H 'x-api-key: demo-key-alice' -H 'content-type: application/json' -d '{"numbers":["+1"]}'; done; echo

Edit examples/policy.yaml while this runs: the gateway reloads it, and keeps the last good one if it is broken.
Press Ctrl-C to stop.`);

  if (values['exit-after-tour']) {
    await running.stop(1000);
    upstream.server.close();
    return 0;
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void running.stop(2000).finally(() => {
        upstream.server.close();
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/** A few requests that show each kind of answer. */
async function tour(base: string, io: CliIo): Promise<void> {
  const discover = (headers: Record<string, string>, numbers: string[]) =>
    fetch(`${base}/v1/contacts/discover`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ numbers }),
    });
  const show = async (label: string, res: Promise<Response>): Promise<void> => {
    const r = await res;
    const body = await r.text();
    io.stdout(`  ${label}\n    → ${r.status} ${body.length > 140 ? `${body.slice(0, 140)}…` : body}`);
  };
  const alice = { 'x-api-key': 'demo-key-alice' };
  io.stdout('A short tour:');
  await show('no credentials', discover({}, ['+14155550100']));
  await show('a wrong API key', discover({ 'x-api-key': 'guess' }, ['+14155550100']));
  await show('alice looks up 3 numbers', discover(alice, ['+14155550100', '+14155550101', '+14155550102']));
  await show(
    'a batch of 1001 numbers (cap 1000)',
    discover(
      alice,
      Array.from({ length: 1001 }, (_, i) => `+1415555${i}`),
    ),
  );
  let last: Response | undefined;
  let sent = 0;
  for (; sent < 30; sent++) {
    last = await discover(alice, ['+14155550100']);
    if (last.status === 429) break;
    await last.arrayBuffer();
  }
  if (last) {
    io.stdout(
      `  alice keeps asking from one address: request ${sent + 1} → ${last.status}, Retry-After ${last.headers.get('retry-after') ?? '-'}s\n    → ${await last.text()}`,
    );
  }
  await show('a route the policy does not list', fetch(`${base}/admin`));
  io.stdout('');
}
