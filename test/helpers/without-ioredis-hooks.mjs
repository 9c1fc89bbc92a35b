// Module resolution hooks for a process that must behave as if ioredis were not installed
// (registered by without-ioredis.mjs). Resolving "ioredis" fails with the error Node throws for
// a missing package, so any import of it, static or dynamic, fails as it would after
// `npm install enumguard` without the optional peer.
import { fileURLToPath } from 'node:url';

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'ioredis' || specifier.startsWith('ioredis/')) {
    const from = context.parentURL?.startsWith('file:')
      ? fileURLToPath(context.parentURL)
      : context.parentURL;
    const err = new Error(`Cannot find package 'ioredis' imported from ${from}`);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return nextResolve(specifier, context);
}
