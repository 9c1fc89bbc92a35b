import type { KeyNamer } from './keys.ts';
import type { LabelSeal } from './label-seal.ts';

/** Script commands defined on the client; ioredis runs them by EVALSHA and reloads them on NOSCRIPT. */
export interface ScriptCommands {
  enumguardConsume(numKeys: number, ...args: string[]): Promise<unknown>;
  enumguardSignal(numKeys: number, ...args: string[]): Promise<unknown>;
  enumguardRefund(numKeys: number, ...args: string[]): Promise<unknown>;
  enumguardAdminBlock(numKeys: number, ...args: string[]): Promise<unknown>;
  enumguardAdminLift(numKeys: number, ...args: string[]): Promise<unknown>;
}

export type ScriptName = keyof ScriptCommands;

/**
 * What the standalone and cluster paths share. Its own module, so the helpers that take it
 * (cluster, risk layers, signal arguments) need not import the store that builds it.
 */
export interface StoreContext {
  readonly names: KeyNamer;
  readonly maxTargets: number;
  readonly targetTtlMs: number;
  readonly riskTtlMs: number;
  /** Seals the subject labels risk records carry for the admin API (label-seal.ts). */
  readonly labels: LabelSeal;
  now(): string;
  run(name: ScriptName, keys: readonly string[], argv: readonly string[]): Promise<unknown>;
  /** The cohort tag an identity's record names: remembered when it is not the current prefix's. */
  cohortOf(identityTag: string, prefix: string): string;
  learnCohort(identityTag: string, prefix: string, cohort: string): void;
}
