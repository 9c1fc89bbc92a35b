import { parseArgs } from 'node:util';
import { createPopulation } from '../reference/population/population.ts';
import { startReferenceService } from '../reference/http.ts';
import type { CliIo } from './io.ts';

const HELP = `Usage: enumguard demo-service [options]

Runs the reference contact-discovery API: a seeded synthetic population that answers every
lookup, the way WhatsApp's did in 2024. Put "enumguard gateway" in front of it.

Options:
  --port N         port to listen on (default 8081; 0 picks a free one)
  --host ADDR      address to listen on (default 127.0.0.1)
  --accounts N     registered accounts in the population (default 100000)
  --seed N         world seed: the same seed builds the same world (default 1)
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
  const numbers: Record<string, number> = {};
  for (const name of ['port', 'accounts', 'seed', 'max-batch'] as const) {
    const n = Number(values[name]);
    if (!Number.isSafeInteger(n) || n < (name === 'port' || name === 'seed' ? 0 : 1)) {
      io.stderr(`enumguard demo-service: --${name} must be a whole number, got "${values[name]}"`);
      return 2;
    }
    numbers[name] = n;
  }
  const started = performance.now();
  const population = createPopulation({ seed: numbers.seed as number, accounts: numbers.accounts as number });
  const running = await startReferenceService({
    population,
    port: numbers.port as number,
    host: values.host,
    maxBatch: numbers['max-batch'] as number,
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
