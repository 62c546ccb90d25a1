import { isUtf8 } from 'node:buffer';
import { createHash, hash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventSourceReader, SourceRecord } from './event-source.js';
import { formatCheckpoint, parseCheckpoint, ResumeCheck } from './record-checkpoint.js';
import { SourceMismatchError } from './source-refused-error.js';

export { SourceMismatchError } from './source-refused-error.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const PARTITION = '0';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Default line limit: events are a few hundred bytes; a line this long is a broken file, not an event. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** How much of an oversized line is kept for its dead letter (at most; less when the limit is lower). */
const OVERSIZED_PREFIX_BYTES = 1024;
/** How far into a file its fingerprint may look for its first non-blank line. */
const FINGERPRINT_WINDOW_BYTES = 1 << 20;

interface OversizedLine {
  prefix: Buffer;
  bytes: number;
  hash: Hash;
  /** Byte offset of the line's first byte in the source. */
  start: number;
}

/**
 * NDJSON from a file or a stream (stdin), one partition, byte offsets as
 * positions. A file resumes by seeking; a stream cannot seek, so the reader
 * discards the bytes before the stored position: a resumable stream is the
 * same stream again from its first byte (it may have grown since).
 *
 * Every record carries a checkpoint (record-checkpoint.ts) that the worker
 * stores with its position; resuming checks that the bytes before the stored
 * position end with that very record, so another input is refused
 * (SourceMismatchError) instead of being skipped into. A file's last line
 * without its newline is taken only when it is complete JSON (the file may
 * still be being written, and a half line read now would be lost as two bad
 * events); when its newline arrives later, the next run skips that newline.
 *
 * Memory is bounded by `maxLineBytes`: a longer line is not accumulated; its
 * bytes are hashed and skipped up to the next newline and it comes out as one
 * record marked `oversizedBytes` (with its first KiB), which the worker
 * dead-letters. A line that is not valid UTF-8 comes out marked
 * `invalidUtf8` (decoding would silently merge different byte strings).
 */
export class NdjsonSource implements EventSourceReader {
  readonly name: string;
  readonly #open: (start: number) => Readable;
  readonly #path: string | undefined;
  readonly #maxLineBytes: number;
  #position = 0;
  #size: number | undefined;
  #unfinishedTail = 0;

  private constructor(name: string, open: (start: number) => Readable, path: string | undefined, maxLineBytes: number) {
    this.name = name;
    this.#maxLineBytes = maxLineBytes;
    this.#open = open;
    this.#path = path;
    this.#size = path === undefined ? undefined : statSync(path).size;
  }

  static fromFile(path: string, name = `file:${path}`, maxLineBytes = DEFAULT_MAX_LINE_BYTES): NdjsonSource {
    return new NdjsonSource(name, (start) => createReadStream(path, { start, highWaterMark: 1 << 20 }), path, maxLineBytes);
  }

  static fromStream(stream: Readable, name: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): NdjsonSource {
    return new NdjsonSource(name, () => stream, undefined, maxLineBytes);
  }

  lag(): number | undefined {
    return this.#size === undefined ? undefined : Math.max(0, this.#size - this.#position);
  }

  /** Bytes of an incomplete last line left unread by the last `read` (a file still being written). */
  get unfinishedTail(): number {
    return this.#unfinishedTail;
  }

  /**
   * A file's content fingerprint: the SHA-256 of its bytes up to the end of its
   * first non-blank line. It never changes while the file is appended to, and
   * event ids make it unique to one log; a symlink or a copy has the same one.
   * Undefined for a stream, or a file with no complete non-blank line yet.
   */
  fingerprint(): string | undefined {
    if (this.#path === undefined) return undefined;
    const head = readRange(this.#path, 0, FINGERPRINT_WINDOW_BYTES);
    for (let lineStart = 0, newline = head.indexOf(NEWLINE); newline !== -1; lineStart = newline + 1, newline = head.indexOf(NEWLINE, lineStart)) {
      const line = head.subarray(lineStart, newline);
      const blank = line.every((byte, i) => byte === 0x20 || byte === 0x09 || byte === CARRIAGE_RETURN || (lineStart === 0 && i < 3 && head.subarray(0, 3).equals(BOM)));
      if (!blank) return `ndjson-head:${hash('sha256', head.subarray(0, newline + 1), 'hex')}`;
    }
    return undefined;
  }

  async *read(resumeAt: ReadonlyMap<string, bigint>, checkpoints: ReadonlyMap<string, string> = new Map()): AsyncIterable<SourceRecord[]> {
    const start = Number(resumeAt.get(PARTITION) ?? 0n);
    const stored = checkpoints.get(PARTITION);
    const check = new ResumeCheck(this.name, start, stored === undefined ? undefined : parseCheckpoint(this.name, stored));
    const canSeek = this.#path !== undefined;
    let verified = start === 0;
    if (this.#path !== undefined) {
      this.#size = statSync(this.#path).size;
      if (start > this.#size) {
        throw new SourceMismatchError(`${this.name}: stored position ${start} is past the end of the file (${this.#size} bytes); was the file replaced?`);
      }
      if (start > 0) {
        // in pieces: the stored record may be an oversized line of any length
        for (let at = check.firstUsefulByte; at < start; at += FINGERPRINT_WINDOW_BYTES) {
          check.feed(readRange(this.#path, at, Math.min(FINGERPRINT_WINDOW_BYTES, start - at)), at);
        }
        check.verify();
        verified = true;
      }
    }
    // after a stored record that had no newline, the input may now go on with that newline: it belongs to the record
    let lateNewline = verified && check.expectsLateNewline;
    const stream = this.#open(canSeek ? start : 0);
    let offset = canSeek ? start : 0; // byte offset of `pending[0]` in the source
    let pending: Buffer = Buffer.alloc(0);
    let oversized: OversizedLine | null = null;
    this.#position = start;
    this.#unfinishedTail = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let dataOffset = offset;
        if (!verified) {
          // stream replay: drop what was already committed, checking it ends with the stored record
          const skip = Math.min(start - dataOffset, data.length);
          check.feed(data.subarray(0, skip), dataOffset);
          data = data.subarray(skip);
          dataOffset += skip;
          offset = dataOffset;
          if (dataOffset < start) continue;
          check.verify();
          verified = true;
          lateNewline = check.expectsLateNewline;
        }
        if (lateNewline && data.length > 0) {
          const terminator = data[0] === NEWLINE ? 1 : data[0] === CARRIAGE_RETURN && data[1] === NEWLINE ? 2 : data[0] === CARRIAGE_RETURN && data.length === 1 ? -1 : 0;
          if (terminator === -1) {
            pending = Buffer.from(data);
            continue;
          }
          if (terminator === 0) throw check.extendedLineError();
          data = data.subarray(terminator);
          dataOffset += terminator;
          lateNewline = false;
        }
        if (dataOffset === 0 && data.subarray(0, 3).equals(BOM)) {
          data = data.subarray(3);
          dataOffset = 3;
        }
        const records: SourceRecord[] = [];
        let lineStart = 0;
        if (oversized !== null) {
          // still skipping an oversized line: up to its newline
          const newline = data.indexOf(NEWLINE);
          if (newline === -1) {
            oversized.bytes += data.length;
            oversized.hash.update(data);
            offset = dataOffset + data.length;
            pending = Buffer.alloc(0);
            continue;
          }
          oversized.bytes += newline;
          oversized.hash.update(data.subarray(0, newline));
          records.push(oversizedRecord(oversized, dataOffset + newline + 1));
          oversized = null;
          lineStart = newline + 1;
        }
        for (let newline = data.indexOf(NEWLINE, lineStart); newline !== -1; newline = data.indexOf(NEWLINE, lineStart)) {
          const length = newline - lineStart;
          records.push(
            length > this.#maxLineBytes
              ? oversizedRecord(this.#startOversized(data.subarray(lineStart, newline), dataOffset + lineStart), dataOffset + newline + 1)
              : lineRecord(data, lineStart, newline, newline + 1, dataOffset),
          );
          lineStart = newline + 1;
        }
        offset = dataOffset + lineStart;
        if (data.length - lineStart > this.#maxLineBytes) {
          oversized = this.#startOversized(data.subarray(lineStart), dataOffset + lineStart);
          offset = dataOffset + data.length;
          pending = Buffer.alloc(0);
        } else {
          pending = Buffer.from(data.subarray(lineStart));
        }
        if (records.length > 0) {
          this.#position = offset;
          yield records;
        }
      }
      if (!verified) {
        throw new SourceMismatchError(`${this.name}: the input ended at byte ${offset}, before the stored position ${start}: this is not the stream the position was stored for`);
      }
      if (oversized !== null) {
        this.#position = offset;
        yield [oversizedRecord(oversized, offset)];
      } else if (pending.length > 0) {
        const end = offset + pending.length;
        const last = lineRecord(pending, 0, pending.length, pending.length, offset);
        if (canSeek && !isCompleteJson(last.payload)) {
          this.#unfinishedTail = pending.length;
        } else {
          this.#position = end;
          yield [last];
        }
      }
    } finally {
      stream.destroy();
    }
  }

  #startOversized(bytes: Buffer, start: number): OversizedLine {
    return { prefix: Buffer.from(bytes.subarray(0, Math.min(OVERSIZED_PREFIX_BYTES, this.#maxLineBytes))), bytes: bytes.length, hash: createHash('sha256').update(bytes), start };
  }
}

/** One line: `data[start, end)` is its content plus a CR, `data[start, recordEnd)` the record with its newline; `dataOffset` = source offset of data[0]. */
function lineRecord(data: Buffer, start: number, end: number, recordEnd: number, dataOffset: number): SourceRecord {
  const stop = end > start && data[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  const content = data.subarray(start, stop);
  const sha256 = hash('sha256', content, 'hex');
  const record: SourceRecord = {
    partition: PARTITION,
    position: BigInt(dataOffset + recordEnd),
    payload: content.toString('utf8'),
    checkpoint: formatCheckpoint({ span: recordEnd - start, contentBytes: content.length, sha256 }),
    contentBytes: content.length,
    contentSha256: sha256,
  };
  if (!isUtf8(content)) record.invalidUtf8 = true;
  return record;
}

function oversizedRecord(line: OversizedLine, position: number): SourceRecord {
  const sha256 = line.hash.digest('hex');
  return {
    partition: PARTITION,
    position: BigInt(position),
    payload: line.prefix.toString('utf8'),
    oversizedBytes: line.bytes,
    checkpoint: formatCheckpoint({ span: position - line.start, contentBytes: line.bytes, sha256 }),
    contentBytes: line.bytes,
    contentSha256: sha256,
  };
}

/** Up to `length` bytes of a file from byte `from` (fewer at its end). */
function readRange(path: string, from: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, bytes, read, length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
