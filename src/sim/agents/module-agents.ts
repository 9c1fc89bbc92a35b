import { pathToFileURL } from 'node:url';
import { EnumguardError } from '../../core/errors.ts';
import type { Agent, AgentEnvironment, AgentModule } from '../agent.ts';

type CreateAgents = AgentModule['createAgents'];

/** The module's createAgents: a named export, or the default export (the function or an object holding it). */
function factoryOf(mod: Record<string, unknown>): CreateAgents | undefined {
  if (typeof mod['createAgents'] === 'function') return mod['createAgents'] as CreateAgents;
  const d = mod['default'];
  if (typeof d === 'function') return d as CreateAgents;
  if (typeof d === 'object' && d !== null) {
    const inner = (d as Record<string, unknown>)['createAgents'];
    if (typeof inner === 'function') return inner as CreateAgents;
  }
  return undefined;
}

function isAgent(a: unknown): a is Agent {
  if (typeof a !== 'object' || a === null) return false;
  const r = a as Record<string, unknown>;
  return (
    typeof r['id'] === 'string' &&
    (r['role'] === 'legit' || r['role'] === 'attacker') &&
    typeof r['start'] === 'function' &&
    typeof r['onResponse'] === 'function'
  );
}

/**
 * Loads a scenario's agent module (an absolute path: the scenario resolved it against its own
 * file) and asks it for agents. Whatever it returns is checked against the Agent contract, so
 * a broken module fails the run up front with its path, not halfway through a simulation.
 */
export async function loadModuleAgents(
  path: string,
  options: Readonly<Record<string, unknown>>,
  env: AgentEnvironment,
): Promise<Agent[]> {
  const invalid = (why: string, cause?: unknown): never => {
    throw new EnumguardError('ERR_SCENARIO_INVALID', `agent module ${path}: ${why}`, cause ? { cause } : {});
  };
  let mod: Record<string, unknown> = {};
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    invalid(`cannot load it: ${(cause as Error).message}`, cause);
  }
  const create = factoryOf(mod);
  if (!create) return invalid('exports no createAgents(options, env) (named or default)');
  const agents: unknown = create(options, env);
  if (!Array.isArray(agents)) return invalid('createAgents must return an array of agents');
  agents.forEach((a, i) => {
    if (!isAgent(a)) invalid(`agent ${i} lacks id, role ("legit" or "attacker"), start or onResponse`);
  });
  return agents as Agent[];
}
