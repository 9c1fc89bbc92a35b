import { runCheck } from './check.ts';
import { runDemo } from './demo.ts';
import { runDemoService } from './demo-service.ts';
import { runGateway } from './gateway.ts';
import { runSimulate } from './simulate.ts';
import type { CliIo } from './io.ts';

const USAGE = `Usage: enumguard <command> [options]

Commands:
  gateway --config policy.yaml [--upstream URL] [--port 8080] [--host 127.0.0.1]
          Run the reverse proxy in front of an HTTP API.
  check policy.yaml
          Validate a policy file; exits 1 with located messages when it is invalid.
  demo    Run a gateway with the example policy in front of a small built-in upstream.
  simulate --scenario s.yaml --policy p.yaml [--policy q.yaml ...] | --compare DIR [--html report.html]
          Score policies against a scenario on virtual time: harvest and harm.
          With --http URL, drive a running gateway on this machine in real time instead.
  demo-service [--port 8081] [--accounts 100000]
          Run the reference contact-discovery API (the vulnerable system) on its own.

Run "enumguard <command> --help" for a command's options.`;

const io: CliIo = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
  stderrStream: process.stderr,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'gateway':
      return runGateway(rest, io);
    case 'check':
      return runCheck(rest, io);
    case 'demo':
      return runDemo(rest, io);
    case 'simulate':
      return runSimulate(rest, io);
    case 'demo-service':
      return runDemoService(rest, io);
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

main(process.argv.slice(2)).then(
  (code) => {
    // Long-running commands resolve only when they have shut down.
    process.exitCode = code;
  },
  (err: unknown) => {
    io.stderr(`enumguard: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
