import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isEnumguardError } from './errors.ts';
import { internalError } from './internal-error.ts';

describe('internalError', () => {
  it('is ERR_INTERNAL and says it is a bug to report, not a configuration to fix', () => {
    const err = internalError('egress filter used after end()');
    assert.ok(isEnumguardError(err, 'ERR_INTERNAL'));
    assert.equal(
      err.message,
      'enumguard bug: egress filter used after end(). Please report it with this message and its stack trace.',
    );
  });

  it('chains the cause', () => {
    const cause = new TypeError('boom');
    assert.equal(internalError('a step failed', { cause }).cause, cause);
  });
});
