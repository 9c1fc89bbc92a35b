#!/usr/bin/env node
// Entry point for the `enumguard` command. Runs the TypeScript sources through tsx when the
// package has not been built; a built package (dist/) runs directly.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (existsSync(built)) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
