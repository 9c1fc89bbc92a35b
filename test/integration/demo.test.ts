import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../src/cli/demo.ts';

describe('npm start (the demo)', () => {
  it('replays an attack straight at the service and through the gateway, and the gateway cuts the harvest', async () => {
    const out: string[] = [];
    const code = await runDemo(['--port', '0', '--exit-after-replay'], {
      stdout: (s) => out.push(s),
      stderr: (s) => out.push(s),
    });
    assert.equal(code, 0);
    const text = out.join('\n');
    const m = /The scanner learned ([\d,]+) accounts without the gateway and ([\d,]+) through it\./.exec(
      text,
    );
    assert.ok(m, text);
    const open = Number(m[1]?.replaceAll(',', ''));
    const guarded = Number(m[2]?.replaceAll(',', ''));
    assert.ok(guarded * 2 < open, `open ${open}, guarded ${guarded}`);
    assert.match(text, /\| legit users denied at least once \| 0\.00% \| 0\.00% \|/);
    // The compare it suggests scores the shipped policy beside the baselines.
    assert.match(
      text,
      /npx enumguard simulate --scenario scenarios\/whatsapp-2024\.yaml \\\n\s+--policy policies\/enumguard-default\.yaml --compare baselines --html report\.html/,
    );
  });
});
