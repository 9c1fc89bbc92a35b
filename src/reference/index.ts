export * from './population/index.ts';
export {
  createReferenceService,
  type Contact,
  type DiscoverCounts,
  type Failure,
  type ReferenceService,
  type ReferenceServiceOptions,
  type Result,
} from './service.ts';
export {
  createReferenceHandler,
  type ReferenceHandler,
  type ReferenceRequest,
  type ReferenceResponse,
} from './handler.ts';
export { startReferenceService, type ReferenceServerOptions, type RunningReferenceService } from './http.ts';
export { parseE164, formatE164 } from './e164.ts';
