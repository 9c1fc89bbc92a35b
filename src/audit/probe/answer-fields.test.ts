import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerShape, isProfileField } from './answer-fields.ts';

describe('answerShape', () => {
  it('counts records, names profile fields and finds known numbers, keeping no value', () => {
    const answer = {
      contacts: [
        { number: '+15550001', accountId: 'a1', about: 'hi', photo: '/p/1' },
        { number: '+15550002', accountId: 'a2', display_name: 'Ann', avatar: null },
      ],
    };
    const shape = answerShape(answer, new Set(['+15550002', '+19990000']));
    assert.deepEqual(shape, { records: 2, profileFields: ['about', 'display_name', 'photo'], knownFound: 1 });
  });

  it("ignores the answer's own top-level status and empty fields", () => {
    assert.deepEqual(answerShape({ status: 'ok', users: [{ id: 1, bio: '' }] }, new Set()).profileFields, []);
    assert.deepEqual(answerShape({ user: { status: 'Hey there' } }, new Set()).profileFields, ['status']);
  });

  it('reads a single-object answer and a non-JSON-object one', () => {
    assert.deepEqual(answerShape({ exists: true, lastSeen: 1 }, new Set()), {
      records: 0,
      profileFields: ['lastSeen'],
      knownFound: 0,
    });
    assert.deepEqual(answerShape('yes', new Set()), { records: 0, profileFields: [], knownFound: 0 });
  });

  it('matches field names across case, "_" and "-"', () => {
    assert.ok(isProfileField('Profile-Picture'));
    assert.ok(isProfileField('last_seen'));
    assert.ok(!isProfileField('accountId'));
    assert.ok(!isProfileField('number'));
  });
});
