import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { formatE164 } from './e164.ts';
import { createReferenceHandler } from './handler.ts';
import { createPopulation, VISIBLE_ABOUT, VISIBLE_PHOTO } from './population/population.ts';
import { createReferenceService } from './service.ts';

const population = createPopulation({ seed: 5, accounts: 20_000 });
const steady = (a: number): boolean =>
  population.registeredAt(a) < population.startMs && population.unregisteredAt(a) === Infinity;

function ownerWith(visibility: number): number {
  for (let a = 0; a < population.accountCount; a++)
    if (population.visibilityOf(a) === visibility && steady(a)) return a;
  throw new Error('no such owner');
}

/** A steady account in the owner's book: the owner holds its number, so shows it contacts-only fields. */
function friendOf(owner: number): number {
  for (const n of population.addressBook(owner)) {
    const a = population.accountOf(n);
    if (a >= 0 && steady(a)) return a;
  }
  throw new Error('owner has no registered contact');
}

function setup() {
  const service = createReferenceService({ population, clock: manualClock(population.startMs) });
  const tokenOf = (number: string): string => {
    const r = service.register(number);
    assert.ok(r.ok);
    return r.token;
  };
  return { service, handle: createReferenceHandler(service), tokenOf };
}

describe('createReferenceService profile', () => {
  it('shows "about" where public, and to the contacts of an owner who keeps it to contacts', () => {
    const { service, tokenOf } = setup();
    const stranger = tokenOf('+4915199999999');
    const pub = ownerWith(VISIBLE_ABOUT);
    assert.deepEqual(service.profile(stranger, service.accountIdOf(pub)), {
      ok: true,
      accountId: service.accountIdOf(pub),
      about: population.about(pub),
    });
    const closed = ownerWith(VISIBLE_PHOTO);
    // The owner holds the friend's number: the friend sees what the owner keeps to contacts.
    const friend = tokenOf(formatE164(population.numberOf(friendOf(closed))));
    const asFriend = service.profile(friend, service.accountIdOf(closed));
    assert.ok(asFriend.ok && asFriend.about === population.about(closed));
  });

  it('answers a hidden profile exactly as a missing account, and 401 without a session', () => {
    const { service, tokenOf } = setup();
    const stranger = tokenOf('+4915199999999');
    const hidden = service.profile(stranger, service.accountIdOf(ownerWith(VISIBLE_PHOTO)));
    const missing = service.profile(stranger, 'ffffffffffff');
    assert.deepEqual(hidden, missing);
    assert.ok(!hidden.ok && hidden.status === 404);
    const unauthenticated = service.profile('nope', service.accountIdOf(ownerWith(VISIBLE_ABOUT)));
    assert.ok(!unauthenticated.ok && unauthenticated.status === 401);
  });
});

describe('createReferenceHandler profile route', () => {
  it('serves GET /v1/accounts/{id}/profile as JSON, 404 for hidden, 405 for other methods', () => {
    const { service, handle, tokenOf } = setup();
    const token = tokenOf('+4915199999998');
    const headers = { authorization: `Bearer ${token}` };
    const pub = service.accountIdOf(ownerWith(VISIBLE_ABOUT));
    const ok = handle({ method: 'GET', url: `/v1/accounts/${pub}/profile`, headers });
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), {
      accountId: pub,
      about: population.about(ownerWith(VISIBLE_ABOUT)),
    });
    const hiddenId = service.accountIdOf(ownerWith(VISIBLE_PHOTO));
    const hidden = handle({ method: 'GET', url: `/v1/accounts/${hiddenId}/profile`, headers });
    const missing = handle({ method: 'GET', url: '/v1/accounts/ffffffffffff/profile', headers });
    assert.equal(hidden.status, 404);
    assert.equal(
      hidden.body.replace('ffffffffffff', hiddenId),
      missing.body.replace('ffffffffffff', hiddenId),
    );
    assert.equal(handle({ method: 'POST', url: `/v1/accounts/${pub}/profile`, headers }).status, 405);
    assert.equal(handle({ method: 'GET', url: '/v1/accounts/%E0/profile', headers }).status, 404);
  });
});
