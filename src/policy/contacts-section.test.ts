import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from './compile.ts';
import { CONTACTS_DEFAULTS } from './contacts-section.ts';
import { PolicyError } from './issues.ts';

const DAY = 86_400_000;
const JWT = `identities:\n  jwt: { algorithms: [HS256], secret: ${'s'.repeat(32)} }`;

const ACCOUNTS = `accounts:
  register: { route: register, number: /number, token: /token }`;

const CONTACTS = `contacts:
  budget:
    - { trust: 0, rate: 2/1d }
    - { trust: 3, rate: 100/1d, burst: 50 }`;

const REGISTER = `  - id: register
    match: { method: POST, path: /v1/accounts }
    auth: none`;

const DISCOVER = `  - id: discover
    match: { method: POST, path: /v1/contacts/discover }
    auth: none
    targets: /numbers
    reveal: { records: /contacts, number: number }`;

/** A policy of the given sections (each a YAML block, or '' to leave it out), then its routes. */
const policyOf = (sections: readonly string[], routes: readonly string[] = [REGISTER]): string =>
  ['version: 1', ...sections.filter((s) => s !== ''), 'routes:', ...routes, ''].join('\n');

function messageOf(text: string): string {
  try {
    compilePolicy(text);
  } catch (err) {
    assert.ok(err instanceof PolicyError);
    return err.message;
  }
  assert.fail('expected a PolicyError');
}

describe('the accounts section', () => {
  it('is undefined, as is contacts, when the policy has neither', () => {
    const policy = compilePolicy(policyOf([]));
    assert.equal(policy.accounts, undefined);
    assert.equal(policy.contacts, undefined);
  });

  it('compiles a registration capture with its defaults, and reads the registration body', () => {
    const policy = compilePolicy(policyOf([ACCOUNTS]));
    assert.deepEqual(policy.accounts, {
      session: { kind: 'header', name: 'authorization' },
      register: { route: 'register', number: '/number', token: '/token', scheme: 'Bearer' },
      claim: undefined,
      forgetAfterMs: 90 * DAY,
      maxSessions: 4_000_000,
    });
    assert.equal(policy.routes[0]?.needsBody, true);
  });

  it('compiles a JWT claim, a session key and bounds as written', () => {
    const policy = compilePolicy(
      policyOf([
        JWT,
        'accounts:\n  claim: phone\n  session: identity\n  forgetAfter: 7d\n  maxSessions: 1000',
      ]),
    );
    assert.deepEqual(policy.accounts, {
      session: { kind: 'identity' },
      register: undefined,
      claim: 'phone',
      forgetAfterMs: 7 * DAY,
      maxSessions: 1000,
    });
  });

  it('asks for register or claim when it has neither, or both', () => {
    const SAY =
      'say how a session names its account: register (capture it at registration) or claim (a JWT claim), one of them';
    assert.equal(messageOf(policyOf(['accounts: {}'])), `<inline>:2 accounts: ${SAY}`);
    assert.equal(
      messageOf(
        policyOf([JWT, 'accounts:\n  claim: phone\n  register: { route: register, number: /n, token: /t }']),
      ),
      `<inline>:4 accounts: ${SAY}`,
    );
  });

  it('refuses a register route the policy does not have', () => {
    assert.equal(
      messageOf(policyOf(['accounts:\n  register: { route: signup, number: /number, token: /token }'])),
      '<inline>:3 accounts.register.route: no route "signup"; expected one of "register"',
    );
  });

  it('refuses a claim without identities.jwt', () => {
    assert.equal(
      messageOf(policyOf(['accounts:\n  claim: phone'])),
      '<inline>:3 accounts.claim: claim needs identities.jwt',
    );
  });

  it('refuses a session key that is not a credential', () => {
    assert.equal(
      messageOf(policyOf([`${ACCOUNTS}\n  session: ip`])),
      '<inline>:4 accounts.session: expected { header: name } or identity, the credential a session presents, got "ip"',
    );
  });
});

describe('the contacts section', () => {
  it('compiles the budget tiers into GCRA specs, and every default', () => {
    const policy = compilePolicy(policyOf([ACCOUNTS, CONTACTS], [REGISTER, DISCOVER]));
    assert.deepEqual(policy.contacts, {
      maxPerAccount: CONTACTS_DEFAULTS.maxPerAccount,
      maxAccounts: CONTACTS_DEFAULTS.maxAccounts,
      forgetAfterMs: 180 * DAY,
      bootstrapMs: 14 * DAY,
      anchorAt: 3,
      budget: [
        {
          trust: 0,
          spec: { id: 'contacts/reveal-trust-0', algorithm: 'gcra', limit: 2, windowMs: DAY, burst: 2 },
        },
        {
          trust: 3,
          spec: { id: 'contacts/reveal-trust-3', algorithm: 'gcra', limit: 100, windowMs: DAY, burst: 50 },
        },
      ],
      population: undefined,
    });
    const discover = policy.routes[1];
    assert.deepEqual(discover?.reveal, { records: '/contacts', member: 'number' });
    assert.equal(discover?.needsBody, true);
  });

  it('compiles bounds and the population budget as written, and bootstrap 0 for no seeds', () => {
    const contacts = compilePolicy(
      policyOf([
        ACCOUNTS,
        'contacts:\n  maxPerAccount: 500\n  maxAccounts: 9000\n  forgetAfter: 30d\n  bootstrap: 0\n  anchorAt: 1\n  budget: [{ trust: 0, rate: 1/1h }]\n  population: { rate: 1000/1d }',
      ]),
    ).contacts;
    assert.deepEqual(
      { ...contacts, budget: contacts?.budget.length },
      {
        maxPerAccount: 500,
        maxAccounts: 9000,
        forgetAfterMs: 30 * DAY,
        bootstrapMs: 0,
        anchorAt: 1,
        budget: 1,
        population: {
          spec: {
            id: 'contacts/reveal-population',
            algorithm: 'gcra',
            limit: 1000,
            windowMs: DAY,
            burst: 1000,
          },
        },
      },
    );
  });

  it('needs an accounts section', () => {
    assert.equal(
      messageOf(policyOf([CONTACTS])),
      '<inline>:2 contacts: contacts needs an accounts section: the graph links accounts (numbers), not sessions',
    );
  });

  it('needs the first tier at trust 0', () => {
    assert.equal(
      messageOf(policyOf([ACCOUNTS, 'contacts:\n  budget:\n    - { trust: 1, rate: 2/1d }'])),
      '<inline>:6 contacts.budget[0].trust: the first tier is for trust 0 (accounts nobody vouches for): set trust: 0',
    );
  });

  it('needs tiers ascending in trust', () => {
    const tiers = ['- { trust: 0, rate: 2/1d }', '- { trust: 5, rate: 9/1d }', '- { trust: 5, rate: 20/1d }'];
    assert.equal(
      messageOf(policyOf([ACCOUNTS, `contacts:\n  budget:\n${tiers.map((t) => `    ${t}`).join('\n')}`])),
      '<inline>:8 contacts.budget[2].trust: tiers go up in trust: 5 is not above the tier before it (5)',
    );
  });

  it('needs a budget of at least one tier', () => {
    assert.match(
      messageOf(policyOf([ACCOUNTS, 'contacts:\n  budget: []'])),
      /^<inline>:5 contacts\.budget: /,
    );
  });
});

describe("a route's reveal", () => {
  it('needs a contacts section', () => {
    assert.equal(
      messageOf(policyOf([ACCOUNTS], [REGISTER, DISCOVER])),
      '<inline>:12 routes[1].reveal: reveal needs a contacts section: it holds the reveal budget',
    );
  });

  it("needs the request's targets", () => {
    const untargeted = DISCOVER.replace('    targets: /numbers\n', '');
    assert.equal(
      messageOf(policyOf([ACCOUNTS, CONTACTS], [REGISTER, untargeted])),
      "<inline>:15 routes[1].reveal: reveal needs the request's targets: set targets, a distinct limit or batch",
    );
  });

  it('needs the same records array as egress', () => {
    const egress = `${DISCOVER}\n    egress: { records: /found }`;
    assert.equal(
      messageOf(policyOf([ACCOUNTS, CONTACTS], [REGISTER, egress])),
      '<inline>:16 routes[1].reveal.records: reveal.records must name the same array as egress.records (/found)',
    );
    const same = `${DISCOVER}\n    egress: { records: /contacts, strip: [photo], stripWhen: always }`;
    assert.equal(
      compilePolicy(policyOf([ACCOUNTS, CONTACTS], [REGISTER, same])).routes[1]?.egress?.records,
      '/contacts',
    );
  });

  it('refuses a number member written as a pointer', () => {
    const pointer = DISCOVER.replace('number: number', 'number: /number');
    assert.equal(
      messageOf(policyOf([ACCOUNTS, CONTACTS], [REGISTER, pointer])),
      '<inline>:16 routes[1].reveal.number: expected the record member that holds the number, like "number", got "/number"',
    );
  });
});

describe('key: account', () => {
  const LIMITED = `${REGISTER}\n    limits:\n      - { id: signups, key: account, rate: 3/1d }`;

  it('needs an accounts section on a limit', () => {
    assert.equal(
      messageOf(policyOf([], [LIMITED])),
      '<inline>:7 routes[0].limits[0].key: key "account" needs an accounts section, which says how a session names its account',
    );
  });

  it('needs an accounts section as the risk identity', () => {
    assert.equal(
      messageOf(policyOf(['risk:\n  identity: account'])),
      '<inline>:3 risk.identity: key "account" needs an accounts section, which says how a session names its account',
    );
  });

  it('is accepted on a limit and as the risk identity with an accounts section', () => {
    const policy = compilePolicy(policyOf([ACCOUNTS, 'risk:\n  identity: account'], [LIMITED]));
    assert.deepEqual(policy.risk?.identity, { kind: 'account' });
    assert.deepEqual(policy.routes[0]?.limits[0]?.key, { kind: 'account' });
  });
});
