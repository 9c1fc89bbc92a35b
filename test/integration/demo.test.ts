import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../src/cli/demo.ts';

/** Reads the dashboard's live findings until the demo stops its gateway (which ends the stream). */
async function followFindings(admin: string, token: string): Promise<string> {
  const res = await fetch(`${admin}v1/events/live?type=finding`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>)
      text += decoder.decode(chunk, { stream: true });
  } catch {
    // The gateway stopping cuts the stream: what was read is the answer.
  }
  return text;
}

describe('npm start (the demo)', () => {
  it('replays an attack straight at the service and through the gateway, and the gateway cuts the harvest', async () => {
    const out: string[] = [];
    let live: Promise<string> | undefined;
    const code = await runDemo(['--port', '0', '--admin-port', '0', '--exit-after-replay'], {
      stdout: (s) => {
        out.push(s);
        // The dashboard is printed before the replay: follow its live stream while the scan runs.
        const m = /dashboard +(http:\/\/127\.0\.0\.1:\d+\/admin\/) +\(one-time login: ([\w-]{32})\)/.exec(s);
        if (m !== null) live ??= followFindings(m[1] as string, m[2] as string);
      },
      stderr: (s) => out.push(s),
    });
    assert.equal(code, 0);
    const text = out.join('\n');
    assert.ok(live, `no dashboard address and login printed:\n${text}`);
    // The scan through the gateway shows up on the dashboard's stream as it happens.
    const stream = await live;
    assert.match(stream, /^event: finding$/m);
    assert.match(stream, /"detector":"[a-z-]+"/);
    assert.ok(!stream.includes('+999'), 'no phone number on the stream');
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
