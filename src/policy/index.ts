// The policy API: load, compile, validate and hot-reload enumguard policy files.
export * from './types.ts';
export { compilePolicy, type CompileOptions } from './compile.ts';
export type { PolicyInput } from './schema.ts';
export { loadPolicy } from './load.ts';
export { watchPolicy, type PolicyWatcher, type PolicyWatchLogger, type WatchPolicyOptions } from './watch.ts';
export { PolicyError, formatIssue, formatIssues, type PolicyIssue } from './issues.ts';
export { parseSize } from './size.ts';
export { parseJsonPointer, pointerTokens } from './json-pointer.ts';
export { compilePathPattern, type PathMatcher } from './path-pattern.ts';
