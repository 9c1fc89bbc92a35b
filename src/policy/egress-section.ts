import * as z from 'zod';
import { ALGORITHMS } from '../core/limit.ts';
import { durationField, field, pointerField, positiveIntField, rateField, textField } from './fields.ts';
import { parseSize } from './size.ts';
import type { RouteEgress } from './types.ts';

/**
 * A route's `egress:` section: what its answers may give away. `records` names the array of
 * hits in the answer (src/egress/ filters it as it streams); `perIdentity` caps the records a
 * risk identity receives per window, as a core LimitSpec the pipeline checks like a limit;
 * `perIdentityBytes` does the same for the bytes of the answers sent.
 */

/** The id of the per-identity record quota's limit, after "<route id>/". */
export const EGRESS_LIMIT_ID = 'egress-records';

/** The id of the per-identity byte quota's limit, after "<route id>/". */
export const EGRESS_BYTES_LIMIT_ID = 'egress-bytes';

const perIdentitySchema = z.strictObject({
  rate: rateField,
  burst: positiveIntField.optional(),
  algorithm: z.enum(ALGORITHMS).default('gcra'),
});

const sizeField = field(parseSize);

const perIdentityBytesSchema = z.strictObject({
  size: sizeField,
  per: durationField,
  burst: sizeField.optional(),
});

export const egressSchema = z.strictObject({
  records: pointerField,
  strip: z.array(textField).default([]),
  stripWhen: z.enum(['always', 'untrusted']).default('untrusted'),
  maxRecords: positiveIntField.optional(),
  maxBytes: sizeField.optional(),
  perIdentity: perIdentitySchema.optional(),
  perIdentityBytes: perIdentityBytesSchema.optional(),
});

export type EgressDocument = z.output<typeof egressSchema>;

export function buildEgress(egress: EgressDocument, routeId: string): RouteEgress {
  const { perIdentity, perIdentityBytes } = egress;
  return {
    records: egress.records,
    strip: [...new Set(egress.strip)],
    stripWhen: egress.stripWhen,
    maxRecords: egress.maxRecords,
    maxBytes: egress.maxBytes,
    perIdentity:
      perIdentity === undefined
        ? undefined
        : {
            id: `${routeId}/${EGRESS_LIMIT_ID}`,
            algorithm: perIdentity.algorithm,
            limit: perIdentity.rate.limit,
            windowMs: perIdentity.rate.windowMs,
            burst: perIdentity.burst ?? perIdentity.rate.limit,
          },
    perIdentityBytes:
      perIdentityBytes === undefined
        ? undefined
        : {
            id: `${routeId}/${EGRESS_BYTES_LIMIT_ID}`,
            algorithm: 'gcra',
            limit: perIdentityBytes.size,
            windowMs: perIdentityBytes.per,
            burst: perIdentityBytes.burst ?? perIdentityBytes.size,
          },
  };
}
