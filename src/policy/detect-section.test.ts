import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { generateCanaries } from '../core/canaries.ts';
import { DEFAULT_CANARY_RANGES } from '../core/canary-ranges.ts';
import { compilePolicy, type CompileOptions } from './compile.ts';
import { PolicyError } from './issues.ts';
import type { RouteDetectors } from './types.ts';

const SECRET = 'a-canary-secret-of-enough-length';

const withDetect = (detect: string): string => `
version: 1
risk: {}
routes:
  - id: discover
    match: { method: POST, path: /discover }
    auth: none
    targets: /numbers
    egress: { records: /contacts }
    detect:
${detect}
`;

function detectOf(detect: string, options: CompileOptions = {}): RouteDetectors | undefined {
  return compilePolicy(withDetect(detect), options).routes[0]?.detect;
}

function messageOf(text: string, options: CompileOptions = {}): string {
  try {
    compilePolicy(text, options);
  } catch (err) {
    assert.ok(err instanceof PolicyError);
    return err.message;
  }
  assert.fail('expected a PolicyError');
}

describe('route detectors', () => {
  it('fill the defaults of hitRatio and rangeDensity', () => {
    assert.deepEqual(detectOf('      hitRatio: { weight: 100 }\n      rangeDensity: { weight: 25 }'), {
      hitRatio: { weight: 100, shadow: false, below: 0.2, minTargets: 100, halfLifeMs: 3_600_000 },
      canaries: undefined,
      rangeDensity: { weight: 25, shadow: false, blockDigits: 4, windowMs: 60_000, hotShare: 0.05 },
    });
  });

  it('compile every key as written', () => {
    const detect = detectOf(
      [
        '      hitRatio: { weight: 50, below: 0.1, minTargets: 20, halfLife: 30m, shadow: true }',
        '      rangeDensity: { weight: 7.5, blockDigits: 3, window: 5m, hotShare: 1, shadow: true }',
      ].join('\n'),
    );
    assert.deepEqual(detect?.hitRatio, {
      weight: 50,
      shadow: true,
      below: 0.1,
      minTargets: 20,
      halfLifeMs: 1_800_000,
    });
    assert.deepEqual(detect?.rangeDensity, {
      weight: 7.5,
      shadow: true,
      blockDigits: 3,
      windowMs: 300_000,
      hotShare: 1,
    });
  });

  it('require a positive weight', () => {
    assert.equal(
      messageOf(withDetect('      rangeDensity: { weight: 0 }\n      hitRatio: { below: 0.5 }')),
      [
        '<inline>:11 routes[0].detect.rangeDensity.weight: expected a number greater than 0, got 0',
        '<inline>:12 routes[0].detect.hitRatio.weight: is required',
      ].join('\n'),
    );
  });
});

describe('canaries in a policy', () => {
  it('keep listed numbers in E.164', () => {
    const canaries = detectOf(
      '      canaries: { weight: 100, numbers: ["+61491570006", "+12125550150"] }',
    )?.canaries;
    assert.deepEqual(canaries, { weight: 100, shadow: false, numbers: ['+61491570006', '+12125550150'] });
  });

  it('generate the same numbers from the same secret, inside the default reserved ranges', () => {
    const detect = `      canaries: { weight: 100, generate: { secret: ${SECRET}, count: 300 } }`;
    const first = detectOf(detect)?.canaries?.numbers ?? [];
    const again = detectOf(detect)?.canaries?.numbers ?? [];
    assert.equal(first.length, 300);
    assert.deepEqual(again, first);
    const expected = generateCanaries({ secret: SECRET, count: 300, ranges: DEFAULT_CANARY_RANGES });
    assert.deepEqual(
      first,
      expected.map((n) => `+${n}`),
    );
    for (const n of first) assert.equal(parsePhoneNumberFromString(n)?.isValid(), true, n);
    const other = detectOf(detect.replace(SECRET, `${SECRET}-2`))?.canaries?.numbers ?? [];
    assert.notDeepEqual(other, first);
  });

  it('generate 1000 by default', () => {
    const canaries = detectOf(`      canaries: { weight: 1, generate: { secret: ${SECRET} } }`)?.canaries;
    assert.equal(canaries?.numbers.length, 1000);
  });

  it('read the secret from the environment variable secretEnv names', () => {
    const fromSecret = detectOf(`      canaries: { weight: 1, generate: { secret: ${SECRET}, count: 50 } }`);
    const fromEnv = detectOf(
      '      canaries: { weight: 1, generate: { secretEnv: CANARY_SECRET, count: 50 } }',
      {
        env: { CANARY_SECRET: SECRET },
      },
    );
    assert.deepEqual(fromEnv?.canaries?.numbers, fromSecret?.canaries?.numbers);
  });

  it('refuse a secretEnv naming a short secret, without echoing it', () => {
    assert.equal(
      messageOf(withDetect('      canaries: { weight: 1, generate: { secretEnv: CANARY_SECRET } }'), {
        env: { CANARY_SECRET: 'short' },
      }),
      '<inline>:11 routes[0].detect.canaries.generate.secretEnv: environment variable CANARY_SECRET must hold at least 16 characters, got 5',
    );
  });

  it('refuse generate with neither secret nor secretEnv', () => {
    assert.equal(
      messageOf(withDetect('      canaries: { weight: 1, generate: { count: 10 } }')),
      '<inline>:11 routes[0].detect.canaries.generate: set exactly one of secret or secretEnv',
    );
  });

  it('are the union of listed and generated numbers, each once', () => {
    const generated = generateCanaries({ secret: SECRET, count: 20, ranges: DEFAULT_CANARY_RANGES }).map(
      (n) => `+${n}`,
    );
    const listed = ['+61491570006', generated[3] ?? ''];
    const numbers =
      detectOf(
        `      canaries: { weight: 1, numbers: ${JSON.stringify(listed)}, generate: { secret: ${SECRET}, count: 20 } }`,
      )?.canaries?.numbers ?? [];
    assert.equal(numbers.length, 21);
    assert.deepEqual(new Set(numbers), new Set([...listed, ...generated]));
  });
});
