import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from './compile.ts';
import { PolicyError } from './issues.ts';

const policy = (limit: string): string => `
version: 1
routes:
  - id: discover
    match: { method: POST, path: /discover }
    auth: none
    limits:
      - ${limit}
`;

describe('distinct limits in a policy', () => {
  it('compile to a distinct pointer, the array length as the fallback cost, and needsBody', () => {
    const route = compilePolicy(policy('{ key: ip, rate: 6/1h, burst: 50000, distinct: /numbers }'))
      .routes[0];
    assert.equal(route?.needsBody, true);
    assert.deepEqual(route?.limits[0]?.distinct, { pointer: '/numbers' });
    assert.deepEqual(route?.limits[0]?.cost, { kind: 'body-array', pointer: '/numbers' });
  });

  it('leave other limits without distinct and with cost 1 by default', () => {
    const route = compilePolicy(policy('{ key: ip, rate: 10/1m }')).routes[0];
    assert.equal(route?.limits[0]?.distinct, undefined);
    assert.deepEqual(route?.limits[0]?.cost, { kind: 'fixed', units: 1 });
    assert.equal(route?.needsBody, false);
  });

  it('refuse distinct together with cost, at the distinct line', () => {
    assert.throws(
      () => compilePolicy(policy('{ key: ip, rate: 6/1h, cost: 2, distinct: /numbers }')),
      (err: unknown) => {
        assert.ok(err instanceof PolicyError);
        assert.equal(
          err.message,
          '<inline>:8 routes[0].limits[0].distinct: distinct and cost are mutually exclusive: a distinct limit costs the targets at its pointer never queried before; remove cost',
        );
        return true;
      },
    );
  });
});
