import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Runs the command with collecting streams; only commands that return at once are run here. */
async function cli(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { stdout: (s) => stdout.push(s), stderr: (s) => stderr.push(s) });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('runCli', () => {
  it('prints the version of package.json for --version, -v and version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v', 'version']) {
      assert.deepEqual(await cli(flag), { code: 0, stdout: version, stderr: '' });
    }
  });

  it('lists init and hash-key in its usage, and exits 2 on an unknown command', async () => {
    const help = await cli('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^ {2}init \[policy\.yaml\] \[--force\]$/m);
    assert.match(help.stdout, /^ {2}hash-key \[KEY\] \| hash-key < key\.txt$/m);
    const unknown = await cli('serve');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^enumguard: unknown command "serve"/);
  });

  it('refuses a log level pino does not know, listing the valid ones', async () => {
    assert.deepEqual(await cli('gateway', '-c', 'policy.yaml', '--log-level', 'verbose'), {
      code: 2,
      stdout: '',
      stderr:
        'enumguard gateway: --log-level must be one of silent, fatal, error, warn, info, debug, trace; got "verbose"',
    });
  });

  it('refuses a port outside 0 to 65535 with the accepted range, in every command that listens', async () => {
    const range = 'must be a whole number from 0 to 65535, got "99999" (0 picks a free port)';
    const gateway = await cli('gateway', '-c', 'policy.yaml', '--port', '99999');
    assert.deepEqual(gateway, { code: 2, stdout: '', stderr: `enumguard gateway: --port ${range}` });
    const demo = await cli('demo', '--port', '99999');
    assert.equal(demo.code, 2);
    assert.equal(demo.stderr.split('\n')[0], `enumguard demo: --port ${range}`);
    const service = await cli('demo-service', '--port', '99999');
    assert.deepEqual(service, { code: 2, stdout: '', stderr: `enumguard demo-service: --port ${range}` });
  });

  it("says which range demo-service's numbers accept", async () => {
    const cases: [string[], string][] = [
      [['--accounts=0'], '--accounts must be a whole number 1 or more, got "0"'],
      [['--accounts', '2.5'], '--accounts must be a whole number 1 or more, got "2.5"'],
      [['--max-batch=-1'], '--max-batch must be a whole number 1 or more, got "-1"'],
      [['--seed', '4294967296'], '--seed must be a whole number from 0 to 4294967295, got "4294967296"'],
    ];
    for (const [args, message] of cases) {
      assert.deepEqual(await cli('demo-service', ...args), {
        code: 2,
        stdout: '',
        stderr: `enumguard demo-service: ${message}`,
      });
    }
  });

  it('refuses --max-keys 0 with the accepted range (a request may touch 64 keys)', async () => {
    const result = await cli('gateway', '-c', 'policy.yaml', '--max-keys', '0');
    assert.equal(result.stderr, 'enumguard gateway: --max-keys must be a whole number 64 or more, got "0"');
  });

  it('refuses --max-risk-records 0 with the accepted range', async () => {
    const result = await cli('gateway', '-c', 'policy.yaml', '--max-risk-records', '0');
    assert.equal(
      result.stderr,
      'enumguard gateway: --max-risk-records must be a whole number 1 or more, got "0"',
    );
  });
});
