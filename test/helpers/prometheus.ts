import assert from 'node:assert/strict';

/**
 * Reads a Prometheus 0.0.4 text exposition the way a scraper would, failing the test on any
 * line a scraper would reject: every sample follows its family's HELP and TYPE, names and
 * labels are well formed, values parse. Returns each series, keyed as written
 * (`name{a="x",b="y"}`), with its value, and each family's type.
 */
export function parseExposition(text: string): {
  readonly samples: ReadonlyMap<string, number>;
  readonly types: ReadonlyMap<string, string>;
} {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const SAMPLE =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (NaN|[+-]Inf|-?[0-9.e+-]+)$/;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$/.exec(line);
    if (help) {
      helped.add(help[1] as string);
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$/.exec(line);
    if (type) {
      assert.ok(helped.has(type[1] as string), `TYPE after HELP for ${type[1]}`);
      assert.ok(!types.has(type[1] as string), `one TYPE line for ${type[1]}`);
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    const sample = SAMPLE.exec(line);
    assert.ok(sample, `a valid sample line: ${JSON.stringify(line)}`);
    assert.ok(types.has(sample[1] as string), `${sample[1]} has a TYPE before its samples`);
    const key = `${sample[1]}${sample[2] ?? ''}`;
    assert.ok(!samples.has(key), `${key} appears once`);
    samples.set(key, Number(sample[3] === '+Inf' ? Infinity : sample[3] === '-Inf' ? -Infinity : sample[3]));
  }
  return { samples, types };
}
