/** The minimal logger the pipeline needs; pino's logger fits it. */
export interface PipelineLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
