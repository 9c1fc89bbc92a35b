// The process side of the `enumguard` command (bin/enumguard.js imports this file): real
// streams and the exit code. What the commands do is in run-cli.ts.
import type { CliIo } from './io.ts';
import { runCli } from './run-cli.ts';

const io: CliIo = {
  stdout: (s) => process.stdout.write(`${s}\n`),
  stderr: (s) => process.stderr.write(`${s}\n`),
  stderrStream: process.stderr,
  stdin: process.stdin,
};

runCli(process.argv.slice(2), io).then(
  (code) => {
    // Long-running commands resolve only when they have shut down.
    process.exitCode = code;
  },
  (err: unknown) => {
    io.stderr(`enumguard: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
