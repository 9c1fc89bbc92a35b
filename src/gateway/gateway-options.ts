import type { Logger } from 'pino';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { RequestReport } from './request-report.ts';
import type { UpstreamPool } from './upstream.ts';

export interface GatewayOptions {
  readonly pipeline: Pipeline;
  readonly upstream: UpstreamPool;
  readonly logger: Logger;
  /** Called once per request after its answer went out (metrics); must not throw. */
  readonly onReport?: (report: RequestReport) => void;
}
