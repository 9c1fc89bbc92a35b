import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePathPattern, type PathMatcher } from './path-pattern.ts';

function matcher(pattern: string): PathMatcher {
  const r = compilePathPattern(pattern);
  assert.ok(r.ok, `pattern ${pattern} should compile`);
  return r.value;
}

describe('compilePathPattern', () => {
  it('matches a literal path exactly, ignoring case and one trailing slash', () => {
    const m = matcher('/v1/contacts/discover');
    assert.equal(m('/v1/contacts/discover'), true);
    assert.equal(m('/V1/Contacts/Discover'), true);
    assert.equal(m('/v1/contacts/discover/'), true);
    assert.equal(m('/v1/contacts/discover//'), false);
    assert.equal(m('/v1/contacts'), false);
    assert.equal(m('/v1/contacts/discoverx'), false);
  });

  it('matches ":name" against exactly one non-empty segment', () => {
    const m = matcher('/v1/accounts/:id/photo');
    assert.equal(m('/v1/accounts/abc/photo'), true);
    assert.equal(m('/v1/accounts/abc/photo/'), true);
    assert.equal(m('/v1/accounts//photo'), false);
    assert.equal(m('/v1/accounts/a/b/photo'), false);
  });

  it('matches a trailing "/*" against any rest, including none', () => {
    const m = matcher('/static/*');
    assert.equal(m('/static'), true);
    assert.equal(m('/static/'), true);
    assert.equal(m('/static/a/b.css'), true);
    assert.equal(m('/staticx'), false);
  });

  it('treats regex characters in literals as text', () => {
    const m = matcher('/a.b/(c)');
    assert.equal(m('/a.b/(c)'), true);
    assert.equal(m('/axb/(c)'), false);
  });

  it('matches "/" only against the root', () => {
    const m = matcher('/');
    assert.equal(m('/'), true);
    assert.equal(m('/x'), false);
  });

  it('refuses patterns not starting with "/", a "*" before the end and bad parameter names', () => {
    assert.deepEqual(compilePathPattern('v1/x'), {
      ok: false,
      error: 'expected a path pattern starting with "/", got "v1/x"',
    });
    assert.equal(compilePathPattern('/files/*/meta').ok, false);
    assert.deepEqual(compilePathPattern('/a/:1d'), {
      ok: false,
      error: 'invalid parameter segment ":1d" in "/a/:1d": expected ":name"',
    });
    assert.equal(compilePathPattern('/a//b').ok, false);
    assert.equal(compilePathPattern('/a?b=1').ok, false);
  });
});
