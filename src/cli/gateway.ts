import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { CliIo } from './io.ts';
import { startGateway } from './start-gateway.ts';

const HELP = `Usage: enumguard gateway --config policy.yaml [options]

Options:
  --config, -c FILE   the policy file (required)
  --upstream URL      the API to protect; overrides the policy's "upstream"
  --port N            port to listen on (default 8080; 0 picks a free one)
  --host ADDR         address to listen on (default 127.0.0.1)
  --max-keys N        bound of the in-memory store (default 1000000)
  --log-level LEVEL   fatal, error, warn, info (default), debug (logs every allowed request)

Signals: SIGHUP reloads the policy (so does saving the file); SIGTERM and SIGINT drain and stop.`;

export async function runGateway(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        upstream: { type: 'string' },
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'max-keys': { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`enumguard gateway: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (!values.config) {
    io.stderr(`enumguard gateway: --config is required\n\n${HELP}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`enumguard gateway: --port must be an integer from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  const maxKeys = values['max-keys'] === undefined ? undefined : Number(values['max-keys']);
  if (maxKeys !== undefined && !(Number.isInteger(maxKeys) && maxKeys > 0)) {
    io.stderr(`enumguard gateway: --max-keys must be a positive integer, got "${values['max-keys']}"`);
    return 2;
  }
  const logger = pino({ name: 'enumguard', level: values['log-level'] });
  const running = await startGateway({
    policyPath: values.config,
    upstream: values.upstream,
    port,
    host: values.host,
    logger,
    ...(maxKeys ? { maxKeys } : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'draining and stopping');
      running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        resolve();
      });
    };
    // `on`, not `once`: a second signal during the drain must not kill the process mid-save
    // (stop() runs once; later signals wait for it).
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
