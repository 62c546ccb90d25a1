import { createHash, type Hash } from 'node:crypto';
import { SourceMismatchError } from './source-refused-error.js';

const NEWLINE = 0x0a;

/**
 * What a byte-offset source stores beside a position so that a resume can
 * recognise its own input: the record that ends at the position, as
 * `<span>:<contentBytes>:<sha256 hex>` — the record occupies the `span` bytes
 * before the position (its line and its terminator, if any), of which the
 * first `contentBytes` are its content, hashed. A stream restarted with only
 * its rest, a file replaced by another whose lines have the same widths, or
 * one cut and rewritten then fails the check instead of being skipped into.
 *
 * A record with no terminator (`span` = `contentBytes`, or one byte more for a
 * lone CR) was the last line of the input when it was taken; a newline that
 * arrives later belongs to it, and the reader skips it.
 */
export interface RecordCheckpoint {
  readonly span: number;
  readonly contentBytes: number;
  readonly sha256: string;
}

const FORMAT = /^(\d{1,15}):(\d{1,15}):([0-9a-f]{64})$/;

export function formatCheckpoint(checkpoint: RecordCheckpoint): string {
  return `${checkpoint.span}:${checkpoint.contentBytes}:${checkpoint.sha256}`;
}

export function parseCheckpoint(sourceName: string, text: string): RecordCheckpoint {
  const match = FORMAT.exec(text);
  const span = Number(match?.[1]);
  const contentBytes = Number(match?.[2]);
  const sha256 = match?.[3];
  if (sha256 === undefined || contentBytes > span) {
    throw new SourceMismatchError(`${sourceName}: the stored checkpoint ${JSON.stringify(text)} is not one this worker wrote (another kind of source under the same name?)`);
  }
  return { span, contentBytes, sha256 };
}

/**
 * Checks, while the bytes before a stored position go by (read from a file,
 * or skipped on a replayed stream), that they end with the stored record.
 * Without a checkpoint (positions stored before checkpoints existed) only the
 * line boundary can be checked: the byte before the position.
 */
export class ResumeCheck {
  readonly #sourceName: string;
  readonly #start: number;
  readonly #checkpoint: RecordCheckpoint | undefined;
  readonly #hash: Hash | undefined;
  readonly #contentStart: number;
  readonly #contentEnd: number;
  readonly #terminatorBytes: Buffer[] = [];
  #byteBefore: number | undefined;

  constructor(sourceName: string, start: number, checkpoint: RecordCheckpoint | undefined) {
    this.#sourceName = sourceName;
    this.#start = start;
    this.#checkpoint = checkpoint;
    this.#contentStart = start - (checkpoint?.span ?? 0);
    this.#contentEnd = this.#contentStart + (checkpoint?.contentBytes ?? 0);
    this.#hash = checkpoint === undefined ? undefined : createHash('sha256');
    if (this.#contentStart < 0) throw new SourceMismatchError(`${sourceName}: the stored checkpoint describes a record before the start of the input`);
  }

  /** Where the bytes worth feeding begin (the rest before it need not be read). */
  get firstUsefulByte(): number {
    return Math.max(0, Math.min(this.#contentStart, this.#start - 1));
  }

  /** True when the stored record had no terminator: a newline right at the position belongs to it. */
  get expectsLateNewline(): boolean {
    if (this.#start === 0) return false;
    if (this.#checkpoint === undefined) return this.#byteBefore !== NEWLINE;
    return this.#terminator().at(-1) !== NEWLINE;
  }

  /** Feeds bytes of the input that start at byte `offset`; only the part before the position matters. */
  feed(bytes: Buffer, offset: number): void {
    const end = offset + bytes.length;
    if (this.#hash !== undefined) {
      const from = Math.max(offset, this.#contentStart);
      const to = Math.min(end, this.#contentEnd);
      if (from < to) this.#hash.update(bytes.subarray(from - offset, to - offset));
      const terminatorFrom = Math.max(offset, this.#contentEnd);
      const terminatorTo = Math.min(end, this.#start);
      if (terminatorFrom < terminatorTo) this.#terminatorBytes.push(Buffer.from(bytes.subarray(terminatorFrom - offset, terminatorTo - offset)));
    }
    if (offset < this.#start && end >= this.#start) this.#byteBefore = bytes[this.#start - 1 - offset];
  }

  /** After every byte before the position was fed. */
  verify(): void {
    if (this.#start === 0) return;
    if (this.#hash === undefined || this.#checkpoint === undefined) {
      // no checkpoint: a position inside a line is only valid as the end of an unterminated last line, which expectsLateNewline handles
      return;
    }
    const actual = this.#hash.digest('hex');
    if (actual !== this.#checkpoint.sha256) {
      throw new SourceMismatchError(
        `${this.#sourceName}: the ${this.#checkpoint.span} bytes before the stored position ${this.#start} are not the record that position was stored after ` +
          '(the file was replaced or rewritten, or a stream was restarted with only its rest): refusing to skip into another input',
      );
    }
  }

  /** The refusal when, after an unterminated stored record, the input goes on with something other than a newline. */
  extendedLineError(): SourceMismatchError {
    return new SourceMismatchError(
      this.#checkpoint === undefined
        ? `${this.#sourceName}: byte ${this.#start} (the stored position) is not at the start of a line: this is not the stream the position was stored for`
        : `${this.#sourceName}: the last line read before byte ${this.#start} had no newline and has since been extended: the input was rewritten`,
    );
  }

  #terminator(): Buffer {
    return Buffer.concat(this.#terminatorBytes);
  }
}
