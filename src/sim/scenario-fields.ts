import { isIP } from 'node:net';
import { field } from '../policy/fields.ts';
import { describeValue, fail, ok } from '../policy/values.ts';

/** Scalar fields of the scenario schema (scenario.ts and the adaptive attackers' schemas). */
export const share = field((v) =>
  typeof v === 'number' && v >= 0 && v <= 1
    ? ok(v)
    : fail<number>(`expected a share from 0 to 1, got ${describeValue(v)}`),
);
export const ipField = field((v) =>
  typeof v === 'string' && isIP(v) !== 0
    ? ok(v)
    : fail<string>(`expected an IP address, got ${describeValue(v)}`),
);
export const nonNegative = field((v) =>
  typeof v === 'number' && v >= 0 && Number.isFinite(v)
    ? ok(v)
    : fail<number>(`expected a number of at least 0, got ${describeValue(v)}`),
);
export const positiveNumber = field((v) =>
  typeof v === 'number' && v > 0 && Number.isFinite(v)
    ? ok(v)
    : fail<number>(`expected a number above 0, got ${describeValue(v)}`),
);
