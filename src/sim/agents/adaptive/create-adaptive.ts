import type { Agent } from '../../agent.ts';
import type { AdaptiveAttacker, AdaptiveWorld } from './adaptive-spec.ts';
import { ageingAttacker } from './ageing.ts';
import { hiddenAttacker } from './hidden.ts';
import { leakConfirmAttacker } from './leak-confirm.ts';
import { paddingAttacker } from './padding.ts';
import { recyclerAttacker } from './recycler.ts';
import { sideRoutesAttacker } from './side-routes.ts';
import { swarmAttacker } from './swarm.ts';

/** Builds one adaptive attacker entry as one agent driving all its accounts. */
export function createAdaptiveAttacker(spec: AdaptiveAttacker, scenarioWorld: AdaptiveWorld): Agent {
  const world =
    spec.batchSize === undefined ? scenarioWorld : { ...scenarioWorld, batchSize: spec.batchSize };
  switch (spec.kind) {
    case 'swarm':
      return swarmAttacker(spec, world);
    case 'padding':
      return paddingAttacker(spec, world);
    case 'recycler':
      return recyclerAttacker(spec, world);
    case 'ageing':
      return ageingAttacker(spec, world);
    case 'leak-confirm':
      return leakConfirmAttacker(spec, world);
    case 'side-routes':
      return sideRoutesAttacker(spec, world);
    case 'hidden':
      return hiddenAttacker(spec, world);
  }
}
