import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manualClock } from '../core/clock.ts';
import { createPopulation, VISIBLE_ABOUT, VISIBLE_PHOTO } from './population/population.ts';
import { createReferenceService, type ReferenceService } from './service.ts';
import { createAccountIds } from './account-ids.ts';
import { formatE164 } from './e164.ts';
import { isEnumguardError } from '../core/errors.ts';

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

/** Registered at the start, and staying so throughout. */
const steady = (a: number): boolean =>
  population.registeredAt(a) < population.startMs && population.unregisteredAt(a) === Infinity;

/** A population account whose settings match, registered before the start. */
function findOwner(visibility: number, where: (a: number) => boolean = steady): number {
  for (let a = 0; a < population.accountCount; a++) {
    if (population.visibilityOf(a) === visibility && where(a)) return a;
  }
  throw new Error('no such owner');
}

/** A registered account in the owner's address book (so it is the owner's contact). */
function contactOf(owner: number): number {
  for (const n of population.addressBook(owner)) {
    const a = population.accountOf(n);
    if (a >= 0 && steady(a)) return a;
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
        return (
          a >= 0 &&
          population.registeredAt(a) <= population.startMs &&
          population.unregisteredAt(a) > population.startMs
        );
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

describe('createReferenceService unregistrations', () => {
  /** Registered at the start, unregistering some days into the run, showing its photo to all. */
  const leaver = findOwner(
    VISIBLE_PHOTO,
    (a) =>
      population.registeredAt(a) < population.startMs &&
      population.unregisteredAt(a) > population.startMs + DAY &&
      population.unregisteredAt(a) < population.startMs + 20 * DAY,
  );
  const number = formatE164(population.numberOf(leaver));

  it('finds an account until it unregisters, in discover, discoverNumbers and photo', () => {
    const { service, clock } = setup();
    const { token, account } = registerOk(service, stranger);
    const found = (): [number, number, boolean] => {
      const slow = service.discover(token, [number]);
      assert.ok(slow.ok);
      const fast = service.discoverNumbers(account, [population.numberOf(leaver)]);
      return [slow.contacts.length, fast.found, service.photo(token, service.accountIdOf(leaver)).ok];
    };
    assert.deepEqual(found(), [1, 1, true]);
    clock.set(population.unregisteredAt(leaver) - 1);
    assert.deepEqual(found(), [1, 1, true]);
    clock.set(population.unregisteredAt(leaver));
    assert.deepEqual(found(), [0, 0, false]);
  });

  it('finds an unregistered account again once its number registers here', () => {
    const { service, clock } = setup();
    const { token } = registerOk(service, stranger);
    clock.set(population.unregisteredAt(leaver) + DAY);
    assert.equal(registerOk(service, number).account, leaver);
    const r = service.discover(token, [number]);
    assert.ok(r.ok && r.contacts.length === 1);
  });

  it('keeps an account registered here after its unregistration time', () => {
    const { service, clock } = setup();
    const { token } = registerOk(service, stranger);
    registerOk(service, number);
    clock.set(population.unregisteredAt(leaver) + DAY);
    const r = service.discover(token, [number]);
    assert.ok(r.ok && r.contacts.length === 1);
  });
});

describe('createReferenceService discoverDelta', () => {
  const now = population.startMs;
  const recentlyJoined = findOwner(
    0,
    (a) =>
      population.registeredAt(a) > now - 10 * DAY &&
      population.registeredAt(a) <= now &&
      population.unregisteredAt(a) === Infinity,
  );
  const recentlyLeft = findOwner(
    VISIBLE_PHOTO,
    (a) => population.unregisteredAt(a) > now - 10 * DAY && population.unregisteredAt(a) <= now,
  );
  // Both change in the next 10 days.
  const joinsLater = findOwner(
    0,
    (a) => population.registeredAt(a) > now && population.registeredAt(a) <= now + 10 * DAY,
  );
  const leavesLater = findOwner(
    VISIBLE_PHOTO,
    (a) =>
      population.registeredAt(a) < now - 10 * DAY &&
      population.unregisteredAt(a) > now &&
      population.unregisteredAt(a) <= now + 10 * DAY,
  );
  const old = findOwner(VISIBLE_PHOTO | VISIBLE_ABOUT);
  const numberOf = (a: number): string => formatE164(population.numberOf(a));
  const asked = [recentlyJoined, recentlyLeft, joinsLater, leavesLater, old].map(numberOf);

  it('answers only for accounts that registered or unregistered in the last 10 days', () => {
    const { service } = setup();
    const { token } = registerOk(service, stranger);
    const r = service.discoverDelta(token, [...asked, '+4915199999998', asked[0] ?? '']);
    assert.ok(r.ok);
    assert.deepEqual(
      r.contacts.map((c) => c.accountId),
      [service.accountIdOf(recentlyJoined)],
    );
    assert.deepEqual(r.removed, [numberOf(recentlyLeft)]);
  });

  it('moves with time: older changes drop out, new ones come in', () => {
    const { service, clock } = setup();
    const { token } = registerOk(service, stranger);
    clock.set(now + 10 * DAY + 1);
    const r = service.discoverDelta(token, asked);
    assert.ok(r.ok);
    assert.deepEqual(
      r.contacts.map((c) => c.accountId),
      [service.accountIdOf(joinsLater)],
    );
    assert.deepEqual(r.removed, [numberOf(leavesLater)]);
  });

  it('lists sign-ups here as recent, and re-registering an old account as not', () => {
    const { service } = setup();
    const { token } = registerOk(service, stranger);
    registerOk(service, numberOf(joinsLater));
    registerOk(service, numberOf(old));
    const r = service.discoverDelta(token, [numberOf(joinsLater), numberOf(old), stranger]);
    assert.ok(r.ok);
    assert.deepEqual(
      r.contacts.map((c) => c.number),
      [numberOf(joinsLater), stranger],
    );
  });

  it('shows fields as discover does: contacts-only ones to contacts alone', () => {
    const { service } = setup();
    const friend = registerOk(service, numberOf(contactOf(recentlyJoined)));
    const strangerToken = registerOk(service, stranger).token;
    const asFriend = service.discoverDelta(friend.token, [numberOf(recentlyJoined)]);
    const asStranger = service.discoverDelta(strangerToken, [numberOf(recentlyJoined)]);
    const plain = service.discover(friend.token, [numberOf(recentlyJoined)]);
    assert.ok(asFriend.ok && asStranger.ok && plain.ok);
    assert.deepEqual(asFriend.contacts, plain.contacts);
    assert.ok(asFriend.contacts[0]?.about !== undefined && asFriend.contacts[0]?.photo !== undefined);
    assert.deepEqual(asStranger.contacts, [
      { number: numberOf(recentlyJoined), accountId: service.accountIdOf(recentlyJoined) },
    ]);
  });

  it('refuses as discover does: 401, 413 and 400', () => {
    const { service } = setup(3);
    const { token } = registerOk(service, stranger);
    const status = (r: { ok: boolean; status?: number }): number => (r.ok ? 200 : (r.status ?? 0));
    assert.equal(status(service.discoverDelta('nope', [])), 401);
    assert.equal(
      status(service.discoverDelta(token, ['+14155550100', '+14155550101', '+14155550102', '+1415555010'])),
      413,
    );
    assert.equal(status(service.discoverDelta(token, 'x')), 400);
    assert.equal(status(service.discoverDelta(token, [14155550100])), 400);
    assert.equal(status(service.discoverDelta(token, ['+1 415 555 0100'])), 400);
    assert.equal(status(service.discoverDelta(token, [])), 200);
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
    assert.throws(
      () => service.discoverNumbers(population.accountCount + 5, [1]),
      (e: unknown) => isEnumguardError(e, 'ERR_INTERNAL'),
    );
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
