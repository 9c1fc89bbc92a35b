// Public API of `enumguard`: the engine, the policy API and the memory store.
export * from './core/index.ts';
