import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { runSimulate } from '../../src/cli/simulate.ts';
import { startGateway, type RunningGateway } from '../../src/cli/start-gateway.ts';
import { startReferenceService, type RunningReferenceService } from '../../src/reference/http.ts';
import { createPopulation } from '../../src/reference/population/population.ts';

// The population test/fixtures/scenarios/tiny.yaml describes (seed 7, 20,000 accounts), as
// `enumguard demo-service --seed 7 --accounts 20000` would serve it.
const population = createPopulation({ seed: 7, accounts: 20_000 });

describe('enumguard simulate --http', () => {
  let service: RunningReferenceService;
  let gateway: RunningGateway;
  before(async () => {
    service = await startReferenceService({ population, port: 0 });
    gateway = await startGateway({
      // Trusts loopback as its proxy, so each agent is keyed by its X-Forwarded-For address.
      policyPath: 'examples/reference-policy.yaml',
      upstream: service.url,
      port: 0,
      host: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      watch: false,
    });
  });
  after(async () => {
    await gateway.stop(100);
    await service.close();
  });

  it('drives the scenario through a live gateway in real time and scores it', async () => {
    const url = `http://127.0.0.1:${gateway.address.port}`;
    const json = join(mkdtempSync(join(tmpdir(), 'enumguard-http-')), 'report.json');
    const out: string[] = [];
    const err: string[] = [];
    const started = performance.now();
    const code = await runSimulate(
      [
        '--scenario',
        'test/fixtures/scenarios/tiny.yaml',
        '--http',
        url,
        '--duration',
        '1500ms',
        '--json',
        json,
      ],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s) },
    );
    const wallMs = performance.now() - started;
    assert.equal(code, 0, err.join('\n'));
    assert.match(err.join('\n'), /enumguard demo-service --seed 7 --accounts 20000 --max-batch 100/);
    assert.match(out.join('\n'), new RegExp(`\\| metric \\| ${url.replace(/\./g, '\\.')} \\|`));
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      target: string;
      runs: {
        policy: string;
        scorecard: {
          attacker: { accountsRevealed: number; firstResponseMs: number | null };
          cost: { requests: number; virtualMs: number };
        };
      }[];
    };
    const [run] = report.runs;
    assert.equal(run?.policy, url);
    // Two sessions: each registers and sends one batch, which is refused, and waits out the block.
    assert.ok((run?.scorecard.cost.requests ?? 0) >= 4, `requests ${run?.scorecard.cost.requests}`);
    // Real time: the wall clock covered every virtual millisecond the run simulated, and
    // --duration bounds them (a run ends sooner when nothing more is scheduled in it). A loaded
    // machine only makes the wall time longer, so neither bound depends on its speed.
    const virtualMs = run?.scorecard.cost.virtualMs ?? Infinity;
    assert.ok(virtualMs <= wallMs + 50, `virtual ${virtualMs} ms in ${wallMs} ms of wall time`);
    assert.ok(virtualMs <= 1500, `virtual ${virtualMs} ms, past --duration 1500ms`);
    // The demo policy blocks the scanner at its first batch: its 403s came back over HTTP.
    assert.equal(run?.scorecard.attacker.accountsRevealed, 0);
    assert.notEqual(run?.scorecard.attacker.firstResponseMs, null);
  });
});
