/** Where a command writes; tests pass collectors instead of the process streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * The raw stderr stream, for output that rewrites a line in place on a terminal (progress).
   * Absent in tests: such output then goes through stderr() as whole lines.
   */
  readonly stderrStream?: { readonly isTTY?: boolean; write(text: string): unknown };
  /** What the command reads from (`hash-key` without an argument); tests pass their own. */
  readonly stdin?: AsyncIterable<string | Uint8Array> & { readonly isTTY?: boolean };
}
