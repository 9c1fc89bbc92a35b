// `node --import tsx --import ./test/helpers/without-ioredis.mjs ...`: runs as if ioredis were
// not installed (see without-ioredis-hooks.mjs). After tsx, so these hooks run first.
import { register } from 'node:module';

register('./without-ioredis-hooks.mjs', import.meta.url);
