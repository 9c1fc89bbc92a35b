export * from './server.ts';
export * from './upstream.ts';
