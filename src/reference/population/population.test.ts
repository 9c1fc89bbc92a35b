import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { seededRng } from '../../core/rng.ts';
import { createPopulation, VISIBLE_ABOUT, VISIBLE_PHOTO } from './population.ts';
import { DEFAULT_COUNTRIES } from './countries.ts';
import { isEnumguardError } from '../../core/errors.ts';

const pop = createPopulation({ seed: 11, accounts: 20_000 });

describe('createPopulation', () => {
  it('builds the same world from the same seed', () => {
    const again = createPopulation({ seed: 11, accounts: 20_000 });
    assert.equal(again.candidateCount, pop.candidateCount);
    for (let i = 0; i < pop.candidateCount; i += 997) assert.equal(again.candidateAt(i), pop.candidateAt(i));
    for (let a = 0; a < pop.accountCount; a += 101) {
      assert.equal(again.numberOf(a), pop.numberOf(a));
      assert.equal(again.visibilityOf(a), pop.visibilityOf(a));
      assert.equal(again.registeredAt(a), pop.registeredAt(a));
    }
    for (let a = 0; a < pop.accountCount; a++) assert.equal(again.unregisteredAt(a), pop.unregisteredAt(a));
    assert.deepEqual(again.addressBook(5), pop.addressBook(5));
  });

  it('builds a different world from another seed', () => {
    const other = createPopulation({ seed: 12, accounts: 20_000 });
    let same = 0;
    for (let a = 0; a < 1000; a++) if (other.numberOf(a) === pop.numberOf(a)) same++;
    assert.ok(same < 10, `${same} of 1000 accounts kept their number`);
  });

  it('registers about 5-6% of candidates overall, and each country near its own share', () => {
    const share = pop.accountCount / pop.candidateCount;
    assert.ok(share > 0.05 && share < 0.065, `overall share ${share}`);
    pop.countries.forEach((c, i) => {
      const spec = DEFAULT_COUNTRIES[i];
      assert.ok(spec);
      const got = c.accountCount / c.candidateCount;
      // Whole blocks of 10,000 make small countries coarse at 20k accounts.
      assert.ok(Math.abs(got - spec.registeredShare) < spec.registeredShare * 0.5, `${c.code}: ${got}`);
    });
    let counted = 0;
    for (let i = 0; i < pop.candidateCount; i++) if (pop.accountOfCandidate(i) >= 0) counted++;
    assert.equal(counted, pop.accountCount);
  });

  it('scales to about 18M candidates for 1M accounts', () => {
    const expected = 1_000_000 / 0.05625;
    const big = createPopulation({ seed: 1, accounts: 1_000_000, bookCacheSize: 0 });
    assert.ok(Math.abs(big.candidateCount - expected) < expected * 0.05, String(big.candidateCount));
  });

  it('shows photos to everyone for ~57% and "about" for ~29% of accounts', () => {
    let photo = 0;
    let about = 0;
    for (let a = 0; a < pop.accountCount; a++) {
      const v = pop.visibilityOf(a);
      if (v & VISIBLE_PHOTO) photo++;
      if (v & VISIBLE_ABOUT) about++;
    }
    assert.ok(Math.abs(photo / pop.accountCount - 0.57) < 0.02, `photo ${photo / pop.accountCount}`);
    assert.ok(Math.abs(about / pop.accountCount - 0.29) < 0.02, `about ${about / pop.accountCount}`);
  });

  it('registers a steady trickle of accounts in the 10 days before the start', () => {
    const day = 86_400_000;
    const perDay = [0, 0, 0];
    let old = 0;
    for (let a = 0; a < pop.accountCount; a++) {
      const age = pop.startMs - pop.registeredAt(a);
      if (age > 10 * day) old++;
      else if (age > 0) perDay[Math.min(2, Math.floor(age / (4 * day)))]!++;
    }
    assert.ok(old / pop.accountCount > 0.95);
    for (const n of perDay.slice(0, 2)) assert.ok(n > 20 && n < 80, `per 4 days: ${perDay.join(',')}`);
  });

  it('unregisters about the configured share per day, after registering, within the window', () => {
    const day = 86_400_000;
    const churny = createPopulation({ seed: 11, accounts: 20_000, unregisteredPerDay: 0.001 });
    let gone = 0;
    for (let a = 0; a < churny.accountCount; a++) {
      const at = churny.unregisteredAt(a);
      if (at === Infinity) continue;
      gone++;
      assert.ok(at > churny.registeredAt(a), `account ${a} left before it joined`);
      assert.ok(at >= churny.startMs - 10 * day && at < churny.startMs + 30 * day, `account ${a} at ${at}`);
    }
    // 0.1% a day over 40 days is 4%, less the few drawn before their account registered.
    const share = gone / churny.accountCount;
    assert.ok(share > 0.035 && share < 0.045, `unregistered share ${share}`);
    assert.equal(
      churny.tables.unregisteredAt.filter((t) => t !== Infinity).length,
      gone,
      'the table and the accessor agree',
    );
  });

  it('unregisters nobody when the share is zero, and ~0.02% a day by default', () => {
    const none = createPopulation({ seed: 11, accounts: 20_000, unregisteredPerDay: 0 });
    assert.ok(none.tables.unregisteredAt.every((t) => t === Infinity));
    const gone = pop.tables.unregisteredAt.filter((t) => t !== Infinity).length;
    assert.ok(gone > 100 && gone < 220, `default unregistrations ${gone}`);
  });
});

describe('createPopulation options', () => {
  it('refuses a number of accounts that is not a positive whole number with ERR_CONFIG', () => {
    for (const accounts of [0, -5, 1.5, Number.NaN]) {
      assert.throws(
        () => createPopulation({ seed: 1, accounts }),
        (e: unknown) =>
          isEnumguardError(e, 'ERR_CONFIG') &&
          e.message === `population: accounts must be a positive whole number, got ${accounts}`,
      );
    }
  });

  it('refuses an empty list of countries with ERR_CONFIG', () => {
    assert.throws(
      () => createPopulation({ seed: 1, accounts: 10, countries: [] }),
      (e: unknown) => isEnumguardError(e, 'ERR_CONFIG') && /between 1 and 255 countries/.test(e.message),
    );
  });
});

describe('candidate space', () => {
  it('candidateAt is a bijection onto numbers it recognises', () => {
    const seen = new Set<number>();
    for (let i = 0; i < pop.candidateCount; i += 13) {
      const n = pop.candidateAt(i);
      assert.equal(pop.candidateIndexOf(n), i);
      seen.add(n);
    }
    assert.equal(seen.size, Math.ceil(pop.candidateCount / 13));
    assert.throws(
      () => pop.candidateAt(pop.candidateCount),
      (e: unknown) => isEnumguardError(e, 'ERR_CONFIG'),
    );
    assert.equal(pop.isCandidate(14155550100), false);
  });

  it('generates only valid mobile numbers by libphonenumber', () => {
    const rng = seededRng(3);
    for (let k = 0; k < 1500; k++) {
      const n = pop.candidateAt(rng.int(pop.candidateCount));
      const parsed = parsePhoneNumberFromString(`+${n}`);
      assert.ok(parsed?.isValid() === true, `+${n} is not valid`);
      const type = parsed?.getType();
      assert.ok(type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE', `+${n} is ${type}`);
    }
  });

  it('puts every account on a candidate number', () => {
    for (let a = 0; a < pop.accountCount; a += 7) assert.equal(pop.accountOf(pop.numberOf(a)), a);
  });
});

describe('address books', () => {
  const owners = Array.from({ length: 1500 }, (_, i) => i * 13);
  const books = owners.map((a) => pop.addressBook(a));

  it('have heavy-tailed sizes: mean near 300, median below the mean, a tail into the thousands', () => {
    const sizes = books.map((b) => b.length).sort((x, y) => x - y);
    const mean = sizes.reduce((s, v) => s + v, 0) / sizes.length;
    const median = sizes[sizes.length >> 1] ?? 0;
    assert.ok(Math.abs(mean - 300) < 45, `mean ${mean}`);
    assert.ok(median < mean * 0.8, `median ${median}, mean ${mean}`);
    assert.ok((sizes[sizes.length - 1] ?? 0) > 1500, `largest ${sizes[sizes.length - 1]}`);
  });

  it('hold mostly own-country numbers, many of them registered, many contacts mutual', () => {
    let entries = 0;
    let registered = 0;
    let own = 0;
    let mutual = 0;
    owners.forEach((owner, k) => {
      for (const n of books[k] ?? []) {
        entries++;
        const other = pop.accountOf(n);
        if (String(n).startsWith(pop.countries[pop.countryOf(owner)]?.callingCode ?? '-')) own++;
        if (other < 0) continue;
        registered++;
        if (pop.hasContact(other, pop.numberOf(owner))) mutual++;
      }
    });
    assert.ok(own / entries > 0.8, `own country ${own / entries}`);
    assert.ok(registered / entries > 0.5, `registered ${registered / entries}`);
    assert.ok(mutual / registered > 0.25, `mutual ${mutual / registered}`);
  });

  it('agree with hasContact both ways', () => {
    owners.slice(0, 300).forEach((owner, k) => {
      const book = new Set(books[k]);
      for (const n of book) assert.ok(pop.hasContact(owner, n));
      // Numbers near the owner's contacts, most of them not in the book.
      for (const n of book) {
        const i = pop.candidateIndexOf(n);
        const near = pop.candidateAt((i + 1) % pop.candidateCount);
        assert.equal(pop.hasContact(owner, near), book.has(near));
      }
      for (let other = 0; other < pop.accountCount; other += 97) {
        assert.equal(pop.hasContact(owner, pop.numberOf(other)), book.has(pop.numberOf(other)));
      }
    });
  });

  it('scatter a book over the numbering plan: no runs of consecutive numbers', () => {
    // Runs of consecutive numbers would look like a range scan to the range-density detector.
    let entries = 0;
    let adjacent = 0;
    for (let a = 0; a < 2000; a += 7) {
      const book = Float64Array.from(pop.addressBook(a)).sort();
      entries += book.length;
      for (let i = 1; i < book.length; i++) if (book[i] === (book[i - 1] as number) + 1) adjacent++;
    }
    assert.ok(adjacent < entries * 0.02, `${adjacent} of ${entries} entries follow their neighbour`);
  });

  it('never holds the owner, and is empty for an unknown owner', () => {
    assert.equal(pop.hasContact(3, pop.numberOf(3)), false);
    assert.equal(pop.addressBook(-1).length, 0);
    assert.equal(pop.addressBook(pop.accountCount).length, 0);
  });
});
