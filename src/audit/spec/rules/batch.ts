import type { AuditFinding, AuditRule } from '../../finding.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

/**
 * Past this many identifiers per request a batch is "large". 100 covers a page of results or
 * a small address-book delta; full address books belong to a sync with its own budget. The
 * number itself stops nothing (the WhatsApp API took thousands): it sets how fast one
 * request walks, so it is judged with the limits around it.
 */
export const LARGE_BATCH = 100;

const rule: AuditRule = {
  id: 'EG-BATCH',
  title: 'Unbounded or large identifier batch',
  severity: 'high',
  reason:
    'A lookup that takes an array of identifiers with no maxItems (or a large one) lets one request test ' +
    'thousands of candidates: the 2024 scrape reached 100 million lookups an hour from five sessions.',
  fix:
    `Declare maxItems on the array (at most ${LARGE_BATCH} unless the use needs more), enforce it (enumguard: ` +
    'route `batch: { pointer, max }`), and charge limits per identifier in the batch, not per request ' +
    '(`cost: /pointer` or `distinct: /pointer`).',
};

export const batchRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    if (!facts.oracle) return [];
    const out: AuditFinding[] = [];
    for (const input of facts.inputs) {
      if (!input.batch || input.opaque) continue;
      if (input.maxItems !== undefined && input.maxItems <= LARGE_BATCH) continue;
      const unbounded = input.maxItems === undefined;
      const message = unbounded
        ? `${input.where} ${input.name} is an array of ${input.kind} identifiers with no maxItems`
        : `${input.where} ${input.name} takes up to ${input.maxItems} ${input.kind} identifiers per request (more than ${LARGE_BATCH})`;
      out.push(
        operationFinding(rule, facts, ctx, message, {
          severity: unbounded ? 'high' : 'medium',
          evidence: {
            identifier: input.name,
            kind: input.kind,
            maxItems: input.maxItems ?? 'none',
            threshold: LARGE_BATCH,
          },
        }),
      );
    }
    return out;
  },
};
