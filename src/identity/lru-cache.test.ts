import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLruCache } from './lru-cache.ts';
import { isEnumguardError } from '../core/errors.ts';

describe('createLruCache', () => {
  it('evicts the least recently used entry past its size', () => {
    const c = createLruCache<number>(2);
    c.set('a', 1, 0, 100);
    c.set('b', 2, 0, 100);
    assert.equal(c.get('a', 0), 1); // "a" is now the most recent
    c.set('c', 3, 0, 100);
    assert.equal(c.get('b', 0), undefined);
    assert.equal(c.get('a', 0), 1);
    assert.equal(c.get('c', 0), 3);
    assert.equal(c.size, 2);
  });

  it('drops an entry at its expiry and before its start', () => {
    const c = createLruCache<string>(10);
    c.set('k', 'v', 10, 20);
    assert.equal(c.get('k', 19), 'v');
    assert.equal(c.get('k', 20), undefined);
    assert.equal(c.size, 0);
    c.set('k', 'v', 10, 20);
    assert.equal(c.get('k', 9), undefined);
  });

  it('stores nothing with size 0 and refuses a bad size', () => {
    const c = createLruCache<string>(0);
    c.set('k', 'v', 0, 10);
    assert.equal(c.get('k', 0), undefined);
    assert.throws(
      () => createLruCache(-1),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
  });
});
