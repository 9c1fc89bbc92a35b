export { auditCoverage } from './audit-coverage.ts';
export { COVERAGE_RULES } from './coverage-rules.ts';
export { describeGuards, routeGuards, type RouteGuards } from './guards.ts';
export { routeFor, samplePath, spellings, spellingSlips, type SpellingSlip } from './path-spellings.ts';
