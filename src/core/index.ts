export * from './clock.ts';
export * from './rng.ts';
export * from './errors.ts';
export * from './limit.ts';
export * from './decision.ts';
export * from './duration.ts';
export * from './decide.ts';
