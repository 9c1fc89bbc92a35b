import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePath } from './normalize-path.ts';

describe('normalizePath', () => {
  it('leaves an ordinary path untouched', () => {
    assert.equal(normalizePath('/v1/contacts/discover'), '/v1/contacts/discover');
  });

  it('decodes percent-encoding, collapses empty segments and resolves dot segments', () => {
    assert.equal(normalizePath('/v1/%63ontacts/discover'), '/v1/contacts/discover');
    assert.equal(normalizePath('/v1//contacts///discover'), '/v1/contacts/discover');
    assert.equal(normalizePath('/v1/x/../contacts/./discover'), '/v1/contacts/discover');
    assert.equal(normalizePath('/../../v1/contacts/discover'), '/v1/contacts/discover');
  });

  it('keeps an encoded slash inside its segment', () => {
    assert.equal(normalizePath('/v1/contacts%2Fdiscover'), '/v1/contacts%2Fdiscover');
  });

  it('refuses malformed percent-encoding', () => {
    assert.equal(normalizePath('/v1/%E0%A4%A'), undefined);
    assert.equal(normalizePath('/v1/%zz'), undefined);
  });
});
