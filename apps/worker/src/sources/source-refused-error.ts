/**
 * The worker refuses to read an input: resuming or starting would lose or
 * double-count events. Retrying cannot help (the operator must decide), so
 * the CLI exits with code 3 instead of 1 and a supervisor should not loop.
 *
 * - `SOURCE_MISMATCH`: the input is not the one the stored position belongs
 *   to (replaced file, another stream, a stream restarted mid-way).
 * - `SOURCE_ALREADY_CONSUMED`: the same content was already consumed under
 *   another source name (a symlink, a copy); `--new-replay` overrides.
 * - `SOURCE_OWNED_ELSEWHERE`: another worker is consuming this source now.
 */
export type SourceRefusalCode = 'SOURCE_MISMATCH' | 'SOURCE_ALREADY_CONSUMED' | 'SOURCE_OWNED_ELSEWHERE';

export class SourceRefusedError extends Error {
  constructor(
    readonly code: SourceRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'SourceRefusedError';
  }
}

export class SourceMismatchError extends SourceRefusedError {
  constructor(message: string) {
    super('SOURCE_MISMATCH', message);
    this.name = 'SourceMismatchError';
  }
}
