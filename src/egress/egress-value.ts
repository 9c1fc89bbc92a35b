import { resolveEgressConfig, type EgressConfig, type ResolvedEgressConfig } from './config.ts';
import type { EgressStats } from './egress-filter.ts';
import { gatedValue, type RecordGate } from './record-gate.ts';

/**
 * The egress filter on a parsed JSON value, for callers that hold the answer as a value (the
 * simulator, the framework adapters). Same rules as the streaming filter (egress-filter.ts):
 * records are the items of the array at the pointer; stripped members are removed from
 * object records; records past maxRecords, or whose bytes (as JSON, commas between them
 * counted) would pass maxBytes, are dropped, as are records the gate refuses. The input is not
 * changed: what differs is copied.
 */
export function filterValue(
  value: unknown,
  config: EgressConfig,
  gate?: RecordGate,
): { value: unknown; stats: EgressStats } {
  let cfg = resolved.get(config);
  if (cfg === undefined) {
    cfg = resolveEgressConfig(config);
    resolved.set(config, cfg);
  }
  const records = arrayAt(value, cfg.tokens);
  if (records === undefined) return { value, stats: emptyStats(0) };
  const stripping = cfg.strip.size > 0;
  const measuring = cfg.maxBytes !== Number.MAX_SAFE_INTEGER;
  const passed: unknown[] = [];
  let stripped = 0;
  let bytes = 0;
  let gated = 0;
  for (const record of records) {
    if (passed.length >= cfg.maxRecords) break;
    let kept = record;
    let recordStripped = 0;
    if (stripping && record !== null && typeof record === 'object' && !Array.isArray(record)) {
      const source = record as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const name in source) {
        if (!Object.hasOwn(source, name)) continue;
        if (cfg.strip.has(name)) recordStripped++;
        else copy[name] = source[name];
      }
      kept = copy;
    }
    const size = measuring ? Buffer.byteLength(JSON.stringify(kept)) + (passed.length > 0 ? 1 : 0) : 0;
    if (bytes + size > cfg.maxBytes) break;
    // Asked only of records that would pass: the gate may spend a budget on each yes.
    if (gate !== undefined && !gate.admit(gatedValue(record, gate.member))) {
      gated++;
      continue;
    }
    bytes += size;
    stripped += recordStripped;
    passed.push(kept);
  }
  const unchanged = passed.length === records.length && stripped === 0 && gated === 0;
  return {
    value: unchanged ? value : replaceAt(value, cfg.tokens, 0, passed),
    stats: {
      records: records.length,
      passed: passed.length,
      dropped: records.length - passed.length,
      stripped,
      bytesIn: 0,
      bytesOut: 0,
    },
  };
}

/** Configs come from the compiled policy and are reused for every answer: check each once. */
const resolved = new WeakMap<EgressConfig, ResolvedEgressConfig>();

function emptyStats(records: number): EgressStats {
  return { records, passed: records, dropped: 0, stripped: 0, bytesIn: 0, bytesOut: 0 };
}

function arrayAt(value: unknown, tokens: readonly string[]): unknown[] | undefined {
  let node = value;
  for (const token of tokens) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, token))
      return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return Array.isArray(node) ? node : undefined;
}

function replaceAt(value: unknown, tokens: readonly string[], i: number, records: unknown[]): unknown {
  if (i === tokens.length) return records;
  const node = value as Record<string, unknown>;
  const token = tokens[i] as string;
  return { ...node, [token]: replaceAt(node[token], tokens, i + 1, records) };
}
