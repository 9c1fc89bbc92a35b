import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectionOf, isAccountCollection, listedCollection, namesAWrite } from './path-context.ts';

describe('collectionOf', () => {
  it('names the segment before a path parameter', () => {
    assert.equal(collectionOf('/v1/users/{id}', 'id'), 'users');
    assert.equal(collectionOf('/admin/users/{id}.json', 'id'), 'users');
    assert.equal(collectionOf('/users/{id}/orders/{orderId}', 'orderId'), 'orders');
  });

  it('looks past a "by" segment and the parameters that qualify it', () => {
    assert.equal(collectionOf('/u/by-external/{provider}/{external_id}.json', 'external_id'), 'u');
    assert.equal(collectionOf('/accounts/by/{handle}', 'handle'), 'accounts');
    assert.equal(collectionOf('/u/by-external/{provider}/{external_id}.json', 'provider'), undefined);
  });

  it('is undefined when another parameter stands before it, or it is not in the path', () => {
    assert.equal(collectionOf('/users/{id}/{field}', 'field'), undefined);
    assert.equal(collectionOf('/users', 'q'), undefined);
    assert.equal(collectionOf('/{tenant}', 'tenant'), undefined);
  });
});

describe('listedCollection and isAccountCollection', () => {
  it('names what a path lists or searches', () => {
    assert.equal(listedCollection('/api/v1/users'), 'users');
    assert.equal(listedCollection('/members/search'), 'members');
    assert.equal(listedCollection('/users.list'), 'users');
    assert.equal(listedCollection('/users/{id}'), undefined);
  });

  it('knows account collections, not others', () => {
    for (const c of ['users', 'u', 'Accounts', 'people', 'members.json'])
      assert.ok(isAccountCollection(c), c);
    for (const c of ['orders', 'files', 'user_actions', undefined])
      assert.ok(!isAccountCollection(c), String(c));
  });
});

describe('namesAWrite', () => {
  it('tells a write behind GET by its RPC method or operationId verb', () => {
    assert.ok(namesAWrite('/views.publish', undefined));
    assert.ok(namesAWrite('/chat.postMessage', undefined));
    assert.ok(namesAWrite('/presence', 'setPresence'));
    assert.ok(namesAWrite('/users/{id}/flag', 'delete_flag'));
  });

  it('leaves reads alone', () => {
    assert.ok(!namesAWrite('/users.info', undefined));
    assert.ok(!namesAWrite('/users.lookupByEmail', 'usersLookupByEmail'));
    assert.ok(!namesAWrite('/users/{id}', 'getUser'));
    assert.ok(!namesAWrite('/followers', 'followersList'));
  });
});
