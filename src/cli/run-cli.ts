import type { CliIo } from './io.ts';
import { packageVersion } from './shipped.ts';

const USAGE = `Usage: enumguard <command> [options]

Commands:
  init [policy.yaml] [--force]
          Write a starter policy (refuses to overwrite an existing file without --force).
  check policy.yaml
          Validate a policy file; exits 1 with located messages when it is invalid.
  gateway --config policy.yaml [--upstream URL] [--port 8080] [--host 127.0.0.1]
          Run the reverse proxy in front of an HTTP API.
  hash-key [KEY] | hash-key < key.txt
          Print an API key's SHA-256 as the policy stores it (apiKeys.keys[].sha256).
  demo [--port 8080]
          Replay an enumeration attack against the reference API, without and with the gateway.
  simulate --scenario s.yaml --policy p.yaml [--policy q.yaml ...] | --compare DIR [--html report.html]
          Score policies against a scenario on virtual time: harvest and harm.
          With --http URL, drive a running gateway on this machine in real time instead.
  demo-service [--port 8081] [--accounts 100000]
          Run the reference contact-discovery API (the vulnerable system) on its own.
  audit spec api.yaml | audit coverage --policy p.yaml --spec api.yaml | audit probe URL
          Find enumeration oracles and missing limits in an OpenAPI spec, check that a policy
          guards them, or probe a live API (bounded); --format text|json|sarif|html, --fail-on high.

Run "enumguard <command> --help" for a command's options; "enumguard --version" prints the version.`;

/**
 * The `enumguard` command: dispatches to a command and resolves with its exit code (long-running
 * commands resolve once they have shut down). main.ts binds it to the process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  // Each command's modules load only when it runs: `--version` or `check` neither pay for
  // nor depend on what the gateway and the simulator import.
  switch (command) {
    case 'gateway':
      return (await import('./gateway.ts')).runGateway(rest, io);
    case 'check':
      return (await import('./check.ts')).runCheck(rest, io);
    case 'demo':
      return (await import('./demo.ts')).runDemo(rest, io);
    case 'simulate':
      return (await import('./simulate.ts')).runSimulate(rest, io);
    case 'demo-service':
      return (await import('./demo-service.ts')).runDemoService(rest, io);
    case 'init':
      return (await import('./init.ts')).runInit(rest, io);
    case 'audit':
      return (await import('./audit.ts')).runAudit(rest, io);
    case 'hash-key':
      return (await import('./hash-key.ts')).runHashKey(rest, io);
    case '-v':
    case '--version':
    case 'version':
      io.stdout(packageVersion());
      return 0;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`enumguard: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}
