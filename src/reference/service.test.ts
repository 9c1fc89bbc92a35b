import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { createPopulation, VISIBLE_ABOUT, VISIBLE_PHOTO } from './population/population.ts';
import { createReferenceService, type ReferenceService } from './service.ts';
import { createAccountIds } from './account-ids.ts';
import { formatE164 } from './e164.ts';

const population = createPopulation({ seed: 5, accounts: 20_000 });
const DAY = 86_400_000;

function setup(maxBatch = 1000): { service: ReferenceService; clock: ReturnType<typeof manualClock> } {
  const clock = manualClock(population.startMs);
  return { service: createReferenceService({ population, clock, maxBatch }), clock };
}

function registerOk(service: ReferenceService, number: string | number): { account: number; token: string } {
  const r = service.register(number);
  assert.ok(r.ok, 'registration failed');
  return r;
}

/** A population account whose settings match, registered before the start. */
function findOwner(visibility: number): number {
  for (let a = 0; a < population.accountCount; a++) {
    if (population.visibilityOf(a) === visibility && population.registeredAt(a) < population.startMs)
      return a;
  }
  throw new Error('no such owner');
}

/** A registered account in the owner's address book (so it is the owner's contact). */
function contactOf(owner: number): number {
  for (const n of population.addressBook(owner)) {
    const a = population.accountOf(n);
    if (a >= 0 && population.registeredAt(a) < population.startMs) return a;
  }
  throw new Error('owner has no registered contact');
}

const stranger = '+4915199999999';

describe('createReferenceService register', () => {
  it('returns the population account of a known number, with a token', () => {
    const { service } = setup();
    const r = service.register(formatE164(population.numberOf(42)));
    assert.ok(r.ok);
    assert.equal(r.account, 42);
    assert.equal(r.accountId, service.accountIdOf(42));
    assert.equal(service.accountOfToken(r.token), 42);
  });

  it('signs the previous phone out when a number verifies again', () => {
    const { service } = setup();
    const first = registerOk(service, stranger);
    const second = registerOk(service, stranger);
    assert.equal(second.account, first.account);
    assert.equal(service.accountOfToken(first.token), -1);
    assert.equal(service.discover(first.token, []).ok, false);
  });

  it('rejects a malformed number', () => {
    const { service } = setup();
    for (const bad of ['14155550100', '+0123456789', '+1234', '+1234567890123456', '+1415555O100']) {
      const r = service.register(bad);
      assert.equal(r.ok ? 0 : r.status, 400, bad);
    }
  });
});

describe('createReferenceService discover', () => {
  it('refuses an unknown token (401), an oversized batch (413) and malformed input (400)', () => {
    const { service } = setup(3);
    const { token } = registerOk(service, stranger);
    const status = (r: { ok: boolean; status?: number }): number => (r.ok ? 200 : (r.status ?? 0));
    assert.equal(status(service.discover('nope', [])), 401);
    assert.equal(
      status(service.discover(token, ['+14155550100', '+14155550101', '+14155550102', '+1415555010'])),
      413,
    );
    assert.equal(status(service.discover(token, 'x')), 400);
    assert.equal(status(service.discover(token, [14155550100])), 400);
    assert.equal(status(service.discover(token, ['+1 415 555 0100'])), 400);
    assert.equal(status(service.discover(token, ['+14155550100', '+14155550101', '+14155550102'])), 200);
  });

  it('returns exactly the registered numbers, once each', () => {
    const { service } = setup();
    const { token } = registerOk(service, stranger);
    const numbers: string[] = [];
    for (let i = 0; i < 900; i++) numbers.push(formatE164(population.candidateAt(i * 331)));
    numbers.push(numbers[0] ?? '', formatE164(population.numberOf(7)), formatE164(population.numberOf(7)));
    const r = service.discover(token, numbers);
    assert.ok(r.ok);
    const expected = new Set(
      numbers.filter((n) => {
        const a = population.accountOf(Number(n.slice(1)));
        return a >= 0 && population.registeredAt(a) <= population.startMs;
      }),
    );
    assert.deepEqual(new Set(r.contacts.map((c) => c.number)), expected);
    assert.equal(r.contacts.length, expected.size);
    for (const c of r.contacts) {
      assert.equal(c.accountId, service.accountIdOf(population.accountOf(Number(c.number.slice(1)))));
    }
  });

  it("shows contacts-only fields to the owner's contacts and hides them from strangers", () => {
    const { service } = setup();
    const owner = findOwner(0);
    const friend = contactOf(owner);
    const ownerNumber = formatE164(population.numberOf(owner));
    const asFriend = service.discover(registerOk(service, formatE164(population.numberOf(friend))).token, [
      ownerNumber,
    ]);
    const asStranger = service.discover(registerOk(service, stranger).token, [ownerNumber]);
    assert.ok(asFriend.ok && asStranger.ok);
    assert.equal(asFriend.contacts[0]?.about, population.about(owner));
    assert.equal(asFriend.contacts[0]?.photo, `/v1/accounts/${service.accountIdOf(owner)}/photo`);
    assert.deepEqual(asStranger.contacts, [{ number: ownerNumber, accountId: service.accountIdOf(owner) }]);
  });

  it('shows public fields to everyone', () => {
    const { service } = setup();
    const { token } = registerOk(service, stranger);
    const photoOnly = findOwner(VISIBLE_PHOTO);
    const both = findOwner(VISIBLE_PHOTO | VISIBLE_ABOUT);
    const r = service.discover(
      token,
      [photoOnly, both].map((a) => formatE164(population.numberOf(a))),
    );
    assert.ok(r.ok);
    assert.ok(r.contacts[0]?.photo !== undefined && r.contacts[0]?.about === undefined);
    assert.ok(r.contacts[1]?.photo !== undefined && r.contacts[1]?.about !== undefined);
  });

  it('finds an account only once its registration time has come', () => {
    const { service, clock } = setup();
    const { token } = registerOk(service, stranger);
    let later = -1;
    for (let a = 0; a < population.accountCount && later < 0; a++) {
      if (population.registeredAt(a) > population.startMs + DAY) later = a;
    }
    const number = formatE164(population.numberOf(later));
    const before = service.discover(token, [number]);
    assert.ok(before.ok && before.contacts.length === 0);
    clock.set(population.registeredAt(later));
    const after = service.discover(token, [number]);
    assert.ok(after.ok && after.contacts.length === 1);
  });

  it('finds numbers registered while running, sharing nothing with strangers', () => {
    const { service } = setup();
    const sybil = registerOk(service, population.candidateAt(3)).account;
    assert.ok(sybil >= population.accountCount || population.accountOfCandidate(3) === sybil);
    const other = registerOk(service, '+447700900123');
    const r = service.discover(registerOk(service, stranger).token, [
      '+447700900123',
      formatE164(population.candidateAt(3)),
    ]);
    assert.ok(r.ok);
    assert.equal(r.contacts[0]?.accountId, service.accountIdOf(other.account));
    assert.equal(r.contacts[0]?.photo, undefined);
    assert.equal(r.contacts.length, 2);
  });
});

describe('createReferenceService discoverNumbers', () => {
  it('counts the same accounts and fields as discover', () => {
    const { service } = setup();
    const { token, account } = registerOk(service, formatE164(population.numberOf(contactOf(findOwner(0)))));
    const owner = findOwner(0);
    const numbers = [population.numberOf(owner)];
    for (let i = 0; i < 999; i++)
      numbers.push(population.candidateAt((i * 977 + 5) % population.candidateCount));
    const fast = service.discoverNumbers(account, numbers);
    const slow = service.discover(token, numbers.map(formatE164));
    assert.ok(slow.ok);
    assert.equal(fast.looked, 1000);
    assert.equal(fast.found, slow.contacts.length);
    assert.equal(fast.withPhoto, slow.contacts.filter((c) => c.photo).length);
    assert.equal(fast.withAbout, slow.contacts.filter((c) => c.about).length);
    assert.deepEqual(
      [...fast.accounts].map(service.accountIdOf),
      slow.contacts.map((c) => c.accountId),
    );
    assert.equal(fast.revealed[0], VISIBLE_PHOTO | VISIBLE_ABOUT);
  });

  it('throws for an account that does not exist', () => {
    const { service } = setup();
    assert.throws(() => service.discoverNumbers(population.accountCount + 5, [1]), RangeError);
  });
});

describe('createReferenceService photo', () => {
  it('serves a photo where visible, 404 where hidden or unknown, 401 without a session', () => {
    const { service } = setup();
    const { token } = registerOk(service, stranger);
    const shown = service.accountIdOf(findOwner(VISIBLE_PHOTO));
    const hidden = service.accountIdOf(findOwner(VISIBLE_ABOUT));
    const ok = service.photo(token, shown);
    assert.ok(ok.ok && ok.contentType === 'image/svg+xml' && ok.body.includes(shown));
    const status = (r: { ok: boolean; status?: number }): number => (r.ok ? 200 : (r.status ?? 0));
    assert.equal(status(service.photo(token, hidden)), 404);
    assert.equal(status(service.photo(token, 'ffffffffffff')), 404);
    assert.equal(status(service.photo(token, '../etc')), 404);
    assert.equal(status(service.photo('nope', shown)), 401);
  });
});

describe('createAccountIds', () => {
  it('maps indexes to distinct 12-hex ids and back', () => {
    const ids = createAccountIds(77);
    const seen = new Set<string>();
    for (const a of [0, 1, 2, 999_999, 2 ** 40, 2 ** 48 - 1]) {
      const id = ids.idOf(a);
      assert.match(id, /^[0-9a-f]{12}$/);
      assert.equal(ids.accountOf(id), a);
      seen.add(id);
    }
    assert.equal(seen.size, 6);
    assert.equal(ids.accountOf('XYZ'), -1);
  });
});
