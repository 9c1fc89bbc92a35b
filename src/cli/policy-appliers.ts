import type { Logger } from 'pino';
import type { GatewayEventSource } from '../events/gateway-events.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { loadPolicySource } from '../policy/load.ts';
import type { CompiledPolicy } from '../policy/types.ts';

/** What a policy change does, from the watcher or the admin API: applied (events, metrics, log) or rejected. */
export function policyAppliers(
  path: string,
  parts: {
    pipeline: Pipeline;
    metrics: GatewayMetrics | undefined;
    source: GatewayEventSource;
    logger: Logger;
  },
  onApplied: (next: CompiledPolicy, text: string) => void,
) {
  const { pipeline, metrics, source, logger } = parts;
  return {
    applied: (next: CompiledPolicy, nextText: string): void => {
      pipeline.setPolicy(next);
      onApplied(next, nextText);
      metrics?.policyReload('applied');
      source.policyReloaded(path, nextText);
      logger.info({ policy: path, routes: next.routes.length }, 'policy reloaded');
    },
    rejected: (err: unknown): void => {
      metrics?.policyReload('rejected');
      source.policyRejected(path, err);
      logger.error(
        { err: { message: err instanceof Error ? err.message : String(err) } },
        'policy rejected; the last good policy stays in force',
      );
    },
  };
}

/** The admin API's reload: the policy file again, applied or rejected as a watcher's change is. */
export async function reloadFile(
  path: string,
  applied: (next: CompiledPolicy, text: string) => void,
  rejected: (err: unknown) => void,
  version: () => string,
): Promise<{ applied: boolean; version: string; error?: string }> {
  try {
    const loaded = await loadPolicySource(path);
    applied(loaded.policy, loaded.text);
    return { applied: true, version: version() };
  } catch (err) {
    rejected(err);
    return { applied: false, version: version(), error: err instanceof Error ? err.message : String(err) };
  }
}
