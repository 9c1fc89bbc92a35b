export * from './types.ts';
export * from './pipeline.ts';
export * from './problem.ts';
export * from './problem-codes.ts';
export * from './rate-limit-headers.ts';
export * from './json-pointer.ts';
export * from './routes.ts';
