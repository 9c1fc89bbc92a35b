import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createInstanceCount } from './instance-count.ts';

function recordingLogger() {
  const lines: [string, string][] = [];
  return {
    lines,
    logger: {
      info: (_obj: object, msg: string) => lines.push(['info', msg]),
      warn: (_obj: object, msg: string) => lines.push(['warn', msg]),
    },
  };
}

describe('createInstanceCount', () => {
  it('auto: 1 before any observation, then the last observed count', () => {
    const { logger, lines } = recordingLogger();
    const count = createInstanceCount('auto', logger);
    assert.equal(count.current(), 1);
    assert.equal(count.observed(), undefined);
    count.observe(3, undefined);
    assert.equal(count.current(), 3);
    count.observe(2, 3);
    assert.equal(count.current(), 2);
    assert.deepEqual(lines, [
      ['info', '3 gateway instance(s) share the store; the local fallback enforces limit ÷ 3'],
      ['info', '2 gateway instance(s) share the store; the local fallback enforces limit ÷ 2'],
    ]);
  });

  it('a configured number wins, with a warning whenever the observed count differs', () => {
    const { logger, lines } = recordingLogger();
    const count = createInstanceCount(3, logger);
    assert.equal(count.current(), 3);
    count.observe(3, undefined);
    count.observe(2, 3);
    assert.equal(count.current(), 3);
    assert.equal(count.observed(), 2);
    count.observe(4, 2);
    count.observe(3, 4);
    assert.deepEqual(lines, [
      [
        'warn',
        'server.store.instances is 3 but 2 gateway instance(s) heartbeat on the store; the local fallback keeps limit ÷ 3 (set instances: auto to follow the observed count)',
      ],
      [
        'warn',
        'server.store.instances is 3 but 4 gateway instance(s) heartbeat on the store; the local fallback keeps limit ÷ 3 (set instances: auto to follow the observed count)',
      ],
      ['info', 'the observed gateway instances agree with server.store.instances again'],
    ]);
  });

  it('refuses a setting that is neither a positive integer nor auto', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      assert.throws(() => createInstanceCount(bad), {
        name: 'EnumguardError',
        code: 'ERR_CONFIG',
        message: `instances must be a positive integer or "auto", got ${bad}`,
      });
    }
  });
});
