import { fixedWindowStep } from './fixed-window.ts';
import { gcraStep } from './gcra.ts';
import type { AlgorithmName, Step } from './limit.ts';
import { slidingWindowStep } from './sliding-window.ts';

export const STEPS: Readonly<Record<AlgorithmName, Step>> = Object.freeze({
  gcra: gcraStep,
  'sliding-window': slidingWindowStep,
  'fixed-window': fixedWindowStep,
});

export function stepFor(name: AlgorithmName): Step {
  return STEPS[name];
}
