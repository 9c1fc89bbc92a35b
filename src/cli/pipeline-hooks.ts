import type { Logger } from 'pino';
import type { GatewayEventSource } from '../events/gateway-events.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { PipelineOptions } from '../pipeline/pipeline.ts';

type Hooks = Pick<PipelineOptions, 'onUntrustedForwarded' | 'onSurge' | 'onRisk'>;

/**
 * What the running gateway does with the pipeline's reports: an untrusted forwarding header
 * (warned once), a population surge and every detector finding go to the metrics, the event
 * stream and the log. The log gets the caller's tag (a digest), never its raw key: a header
 * identity is a bearer token.
 */
export function pipelineHooks(parts: {
  readonly metrics: GatewayMetrics | undefined;
  readonly source: GatewayEventSource;
  readonly logger: Logger;
}): Hooks {
  const { metrics, source, logger } = parts;
  let warned = false;
  return {
    onUntrustedForwarded: ({ peer, header }) => {
      if (warned) return;
      warned = true;
      logger.warn(
        { peer, header },
        `requests from ${peer} carry ${header} but ${peer} is not a trusted proxy: the header is ignored and ` +
          'clients are keyed by their socket address. If enumguard runs behind a load balancer, list it in ' +
          'server.trustedProxies.',
      );
    },
    onSurge: (s) => {
      metrics?.populationSurge(s.route);
      source.surge(s);
      logger.warn(
        { route: s.route, retryAfterMs: s.retryAfterMs },
        'population surge: accounts nobody vouches for spent the shared reveal budget (contacts.population)',
      );
    },
    onRisk: (e) => {
      metrics?.riskFinding(e);
      source.risk(e);
      logger.warn(
        {
          route: e.route,
          detector: e.detector,
          identity: e.identityTag,
          prefix: e.prefix,
          weight: e.weight,
          shadow: e.shadow,
          level: e.level,
          wouldBe: e.wouldBe,
          score: Math.round(e.score * 10) / 10,
          detail: e.detail,
        },
        e.shadow ? 'risk finding (shadow)' : 'risk finding',
      );
    },
  };
}
