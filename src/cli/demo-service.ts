import { parseArgs } from 'node:util';
import { createPopulation } from '../reference/population/population.ts';
import { startReferenceService } from '../reference/http.ts';
import type { CliIo } from './io.ts';
import { parsePort, parseWholeNumber } from './options.ts';

const HELP = `Usage: enumguard demo-service [options]

Runs the reference contact-discovery API: a seeded synthetic population that answers every
lookup, the way WhatsApp's did in 2024. Put "enumguard gateway" in front of it.

Options:
  --port N         port to listen on (default 8081; 0 picks a free one)
  --host ADDR      address to listen on (default 127.0.0.1)
  --accounts N     registered accounts in the population (default 100000)
  --seed N         world seed, 0 to 4294967295: the same seed builds the same world (default 1)
  --max-batch N    most numbers per discover request (default 1000)`;

export async function runDemoService(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8081' },
        host: { type: 'string', default: '127.0.0.1' },
        accounts: { type: 'string', default: '100000' },
        seed: { type: 'string', default: '1' },
        'max-batch': { type: 'string', default: '1000' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`enumguard demo-service: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const parsed = [
    parsePort('--port', values.port),
    parseWholeNumber('--accounts', values.accounts, 1, Number.MAX_SAFE_INTEGER),
    // The population's generator takes a 32-bit seed; a larger one would silently lose bits.
    parseWholeNumber('--seed', values.seed, 0, 2 ** 32 - 1),
    parseWholeNumber('--max-batch', values['max-batch'], 1, Number.MAX_SAFE_INTEGER),
  ] as const;
  const [port, accounts, seed, maxBatch] = parsed;
  if (!port.ok || !accounts.ok || !seed.ok || !maxBatch.ok) {
    for (const p of parsed) if (!p.ok) io.stderr(`enumguard demo-service: ${p.error}`);
    return 2;
  }
  const started = performance.now();
  const population = createPopulation({ seed: seed.value, accounts: accounts.value });
  const running = await startReferenceService({
    population,
    port: port.value,
    host: values.host,
    maxBatch: maxBatch.value,
  });
  io.stdout(
    `reference contact-discovery API on ${running.url}: ${population.accountCount.toLocaleString('en-US')} accounts ` +
      `among ${population.candidateCount.toLocaleString('en-US')} valid numbers, built in ${Math.round(performance.now() - started)} ms`,
  );
  io.stdout('API: docs/reference-api.openapi.yaml. Ctrl-C stops.');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void running.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
