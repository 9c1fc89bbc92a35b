import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEnumguardError } from '../../core/errors.ts';
import { parseProbeArgs } from './parse-probe-args.ts';

const fails = (argv: string[], message: RegExp): void => {
  assert.throws(
    () => parseProbeArgs(argv),
    (err: unknown) => isEnumguardError(err, 'ERR_CONFIG') && message.test(err.message),
  );
};

describe('parseProbeArgs', () => {
  it('reads every option, repeated headers and hosts included', () => {
    const args = parseProbeArgs([
      'https://api.example.com',
      '--route',
      '/v2/lookup',
      '--method=post',
      '--body-template',
      '{"phones": $NUMBERS}',
      '--batch',
      '50',
      '--max-requests',
      '300',
      '--max-duration',
      '2m',
      '--start-rate',
      '0.5',
      '--max-rate',
      '20',
      '--country',
      'gb',
      '--allow-host',
      'api.example.com',
      '--header',
      'Authorization: Bearer abc:def',
      '--header',
      'X-Tenant: 7',
      '--register',
      '/v1/accounts',
      '--token-pointer',
      '/session/token',
      '--known-numbers',
      'known.txt',
      '--max-wait',
      '0',
    ]);
    assert.equal(args.baseUrl, 'https://api.example.com');
    assert.equal(args.route, '/v2/lookup');
    assert.equal(args.method, 'post');
    assert.equal(args.batch, 50);
    assert.equal(args.maxDurationMs, 120_000);
    assert.equal(args.startRate, 0.5);
    assert.equal(args.maxWaitMs, 0);
    assert.deepEqual(args.headers, [
      ['Authorization', 'Bearer abc:def'],
      ['X-Tenant', '7'],
    ]);
    assert.deepEqual(args.allowHosts, ['api.example.com']);
    assert.deepEqual(args.register, { route: '/v1/accounts', tokenPointer: '/session/token' });
    assert.equal(args.knownNumbersFile, 'known.txt');
  });

  it('asks for help without a URL', () => {
    assert.equal(parseProbeArgs(['--help']).help, true);
  });

  it('refuses a non-loopback host unless --allow-host names it exactly', () => {
    fails(['http://10.0.0.5:8080'], /10\.0\.0\.5 is not a loopback address.*--allow-host 10\.0\.0\.5/);
    fails(['https://api.example.com', '--allow-host', 'example.com'], /api\.example\.com is not a loopback/);
    assert.equal(parseProbeArgs(['http://localhost:1']).baseUrl, 'http://localhost:1');
    assert.equal(parseProbeArgs(['http://[::1]:1']).baseUrl, 'http://[::1]:1');
    assert.equal(parseProbeArgs(['http://127.0.0.9:1']).baseUrl, 'http://127.0.0.9:1');
  });

  it('names the bad flag and value', () => {
    fails([], /the base URL is missing/);
    fails(['http://127.0.0.1:1', '--bogus', '1'], /unknown option --bogus/);
    fails(['http://127.0.0.1:1', '--batch'], /--batch needs a value/);
    fails(['http://127.0.0.1:1', '--batch', 'ten'], /--batch must be a whole number, got "ten"/);
    fails(
      ['http://127.0.0.1:1', '--batch', '5000'],
      /--batch must be a whole number from 1 to 1000, got 5000/,
    );
    fails(['http://127.0.0.1:1', '--max-requests', '1000000'], /--max-requests .* to 10000/);
    fails(['http://127.0.0.1:1', '--max-duration', '2h'], /--max-duration must be .* at most 15m/);
    fails(['http://127.0.0.1:1', '--max-duration', 'soon'], /--max-duration: expected a duration/);
    fails(['http://127.0.0.1:1', '--max-rate', '5000'], /--max-rate .* at most 1000/);
    fails(['http://127.0.0.1:1', '--header', 'novalue'], /--header must be "Name: value"/);
    fails(['http://127.0.0.1:1', '--route', '//evil.example/x'], /--route must be a path/);
    fails(['http://127.0.0.1:1', '--body-template', '{"n": 1}'], /nothing would be looked up/);
    fails(['http://127.0.0.1:1', '--body-template', '{"n": $NUMBERS'], /is not JSON/);
    fails(['http://127.0.0.1:1', '--body-template', '{"n": $NUMBER}'], /use --batch 1/);
    fails(['http://user:pw@127.0.0.1:1'], /credentials: pass them with --header/);
    fails(['ftp://127.0.0.1:1'], /http or https/);
    fails(['http://127.0.0.1:1', '--token-pointer', '/t'], /--token-pointer needs --register/);
    fails(['http://127.0.0.1:1', '--country', 'USA'], /--country must be an ISO 3166-1/);
  });

  it('takes one number per request in the route for GET lookups', () => {
    const args = parseProbeArgs([
      'http://127.0.0.1:1',
      '--method',
      'GET',
      '--route',
      '/users?phone=$NUMBER',
      '--batch',
      '1',
    ]);
    assert.equal(args.route, '/users?phone=$NUMBER');
  });
});
