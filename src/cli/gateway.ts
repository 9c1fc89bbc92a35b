import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { CliIo } from './io.ts';
import { LOG_LEVELS, parseLogLevel, parsePort, parseWholeNumber } from './options.ts';
import { openShipped } from './shipped.ts';
import { startGateway } from './start-gateway.ts';
import { MIN_MAX_KEYS } from '../stores/memory-store.ts';

const HELP = `Usage: enumguard gateway --config policy.yaml [options]

Options:
  --config, -c FILE   the policy file (required)
  --upstream URL      the API to protect; overrides the policy's "upstream"
  --port N            port to listen on (default 8080; 0 picks a free one)
  --host ADDR         address to listen on (default 127.0.0.1)
  --max-keys N        bound of the in-memory store (default 1000000)
  --max-risk-records N  bound of its risk records, one per scored identity or network (default 1000000)
  --log-level LEVEL   ${LOG_LEVELS.join(', ')}; default info (debug logs every allowed request)

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
        'max-risk-records': { type: 'string' },
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
  const fail = (error: string): number => {
    io.stderr(`enumguard gateway: ${error}`);
    return 2;
  };
  const port = parsePort('--port', values.port);
  if (!port.ok) return fail(port.error);
  const maxKeys =
    values['max-keys'] === undefined
      ? undefined
      : parseWholeNumber('--max-keys', values['max-keys'], MIN_MAX_KEYS, Number.MAX_SAFE_INTEGER);
  if (maxKeys?.ok === false) return fail(maxKeys.error);
  const maxRiskRecords =
    values['max-risk-records'] === undefined
      ? undefined
      : parseWholeNumber('--max-risk-records', values['max-risk-records'], 1, Number.MAX_SAFE_INTEGER);
  if (maxRiskRecords?.ok === false) return fail(maxRiskRecords.error);
  // pino throws a bare "unknown level" from deep inside; say which levels exist instead.
  const level = parseLogLevel('--log-level', values['log-level']);
  if (!level.ok) return fail(level.error);
  const logger = pino({ name: 'enumguard', level: level.value });
  // Signals are caught from before the start: the startup line goes out before startGateway
  // returns, and a SIGTERM sent on seeing it must drain and stop, not kill the process.
  let stop: ((signal: string) => void) | undefined;
  let early: string | undefined;
  const onSignal = (signal: string): void => (stop ? stop(signal) : void (early ??= signal));
  // `on`, not `once`: a second signal during the drain must not kill the process mid-save
  // (stop() runs once; later signals wait for it).
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  const running = await startGateway({
    policyPath: openShipped(values.config, (line) => io.stderr(line)),
    upstream: values.upstream,
    port: port.value,
    host: values.host,
    logger,
    ...(maxKeys ? { maxKeys: maxKeys.value } : {}),
    ...(maxRiskRecords ? { maxRiskRecords: maxRiskRecords.value } : {}),
  });
  await new Promise<void>((resolve) => {
    stop = (signal: string): void => {
      logger.info({ signal }, 'draining and stopping');
      running.stop().then(resolve, (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        resolve();
      });
    };
    if (early !== undefined) stop(early);
  });
  return 0;
}
