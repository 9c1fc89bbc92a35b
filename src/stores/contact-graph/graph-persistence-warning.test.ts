import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AccountsConfig, CompiledPolicy, ContactsConfig } from '../../policy/types.ts';
import { graphPersistenceWarning } from './graph-persistence-warning.ts';

type GraphPolicy = Parameters<typeof graphPersistenceWarning>[0];

/** Only the fields the warning reads; the rest of each section does not matter here. */
function policy(o: { bootstrapMs?: number; register: boolean; redis?: boolean }): GraphPolicy {
  const server = { store: o.redis ? { kind: 'redis' } : undefined } as unknown as CompiledPolicy['server'];
  const accounts = { register: o.register ? { route: 'register' } : undefined } as unknown as AccountsConfig;
  const contacts =
    o.bootstrapMs === undefined ? undefined : ({ bootstrapMs: o.bootstrapMs } as unknown as ContactsConfig);
  return { server, accounts, contacts };
}

describe('graphPersistenceWarning', () => {
  it('says a restart reopens the bootstrap window, forgets trust and sessions, and what to set', () => {
    assert.equal(
      graphPersistenceWarning(policy({ bootstrapMs: 14 * 86_400_000, register: true })),
      'the contact graph is kept in memory only (no server.store.snapshot): every restart reopens the ' +
        'bootstrap window (contacts.bootstrap: 2w), so every account seen in the 2w after a restart, an ' +
        "attacker's fresh ones too, becomes a seed that vouches for others; a restart forgets every " +
        "account's contacts, reveals and trust; a restart forgets which account each registered session " +
        'belongs to, until it registers again. To keep them, set server.store.snapshot (the graph is ' +
        'saved beside it as <snapshot>.graph), or set contacts.bootstrap: 0 so that no account becomes a ' +
        'seed by being seen early.',
    );
  });

  it('names Redis, where the graph is not shared, and a single snapshotting gateway as the fix', () => {
    const text = graphPersistenceWarning(policy({ bootstrapMs: 86_400_000, register: false, redis: true }));
    assert.match(
      text ?? '',
      /^the contact graph is kept in each gateway's memory \(a Redis store does not hold it yet\)/,
    );
    assert.match(
      text ?? '',
      /To keep them, run a single gateway on a memory store with server\.store\.snapshot/,
    );
    assert.doesNotMatch(text ?? '', /registered session/);
  });

  it('stays silent when a restart reopens nothing and forgets no captured session', () => {
    assert.equal(graphPersistenceWarning(policy({ bootstrapMs: 0, register: false })), undefined);
    assert.equal(graphPersistenceWarning(policy({ register: false })), undefined);
    assert.doesNotMatch(
      graphPersistenceWarning(policy({ bootstrapMs: 0, register: true })) ?? '',
      /bootstrap/,
    );
  });
});
