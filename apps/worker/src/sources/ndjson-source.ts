import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventSourceReader, SourceRecord } from './event-source.js';

const NEWLINE = 0x0a;
const PARTITION = '0';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Default line limit: events are a few hundred bytes; a line this long is a broken file, not an event. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
/** How much of an oversized line is kept for its dead letter (at most; less when the limit is lower). */
const OVERSIZED_PREFIX_BYTES = 1024;

export class SourceMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceMismatchError';
  }
}

/**
 * NDJSON from a file or a stream (stdin), one partition, byte offsets as
 * positions. A file resumes by seeking; a stream cannot seek, so the reader
 * discards the bytes before the stored position (the same stream must be
 * replayed, which is what a backfill from stdin does).
 *
 * A stored position must fall on a line boundary of this input; otherwise the
 * input is not the one the position was stored for and reading is refused
 * rather than resuming in the middle of a line. A file's last line without
 * its newline is taken only when it is complete JSON: the file may still be
 * being written, and a half line read now would be lost as two bad events.
 *
 * Memory is bounded by `maxLineBytes`: a longer line is not accumulated; its
 * bytes are skipped up to the next newline and it comes out as one record
 * marked `oversizedBytes` (with its first KiB), which the worker dead-letters.
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

  async *read(resumeAt: ReadonlyMap<string, bigint>): AsyncIterable<SourceRecord[]> {
    const start = Number(resumeAt.get(PARTITION) ?? 0n);
    const canSeek = this.#path !== undefined;
    if (this.#path !== undefined) {
      this.#size = statSync(this.#path).size;
      this.#checkFileResumePoint(this.#path, start, this.#size);
    }
    const stream = this.#open(canSeek ? start : 0);
    let offset = canSeek ? start : 0; // byte offset of `pending[0]` in the source
    let pending: Buffer = Buffer.alloc(0);
    let startsMidLine = false;
    let oversized: { prefix: Buffer; bytes: number } | null = null;
    this.#position = start;
    this.#unfinishedTail = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let dataOffset = offset;
        if (dataOffset < start) {
          // stream replay: drop what was already committed, checking it ends on a line boundary
          const skip = Math.min(start - dataOffset, data.length);
          // a position inside a line is only valid as the end of an input whose last line had no newline
          if (dataOffset + skip === start && skip > 0 && data[skip - 1] !== NEWLINE) startsMidLine = true;
          data = data.subarray(skip);
          dataOffset += skip;
        }
        if (startsMidLine && data.length > 0) {
          throw new SourceMismatchError(`${this.name}: byte ${start} (the stored position) is not at the start of a line: this is not the stream the position was stored for`);
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
            offset = dataOffset + data.length;
            pending = Buffer.alloc(0);
            continue;
          }
          oversized.bytes += newline;
          records.push(this.#oversizedRecord(oversized.prefix, oversized.bytes, dataOffset + newline + 1));
          oversized = null;
          lineStart = newline + 1;
        }
        for (let newline = data.indexOf(NEWLINE, lineStart); newline !== -1; newline = data.indexOf(NEWLINE, lineStart)) {
          const length = newline - lineStart;
          records.push(
            length > this.#maxLineBytes
              ? this.#oversizedRecord(data.subarray(lineStart, lineStart + Math.min(length, OVERSIZED_PREFIX_BYTES)), length, dataOffset + newline + 1)
              : this.#record(data, lineStart, newline, dataOffset + newline + 1),
          );
          lineStart = newline + 1;
        }
        offset = dataOffset + lineStart;
        if (data.length - lineStart > this.#maxLineBytes) {
          oversized = { prefix: Buffer.from(data.subarray(lineStart, lineStart + OVERSIZED_PREFIX_BYTES)), bytes: data.length - lineStart };
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
      if (offset + pending.length < start) {
        throw new SourceMismatchError(`${this.name}: the input ended at byte ${offset + pending.length}, before the stored position ${start}: this is not the stream the position was stored for`);
      }
      if (oversized !== null) {
        this.#position = offset;
        yield [this.#oversizedRecord(oversized.prefix, oversized.bytes, offset)];
      } else if (pending.length > 0) {
        const end = offset + pending.length;
        const last = this.#record(pending, 0, pending.length, end);
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

  #checkFileResumePoint(path: string, start: number, size: number): void {
    if (start === 0 || start === size) return;
    if (start > size) {
      throw new SourceMismatchError(`${this.name}: stored position ${start} is past the end of the file (${size} bytes); was the file replaced?`);
    }
    const byte = Buffer.alloc(1);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, byte, 0, 1, start - 1);
    } finally {
      closeSync(fd);
    }
    if (byte[0] !== NEWLINE) {
      throw new SourceMismatchError(`${this.name}: stored position ${start} is not at the start of a line; was the file replaced?`);
    }
  }

  #oversizedRecord(prefix: Buffer, bytes: number, position: number): SourceRecord {
    return { partition: PARTITION, position: BigInt(position), payload: prefix.toString('utf8'), oversizedBytes: bytes };
  }

  #record(data: Buffer, start: number, end: number, position: number): SourceRecord {
    const stop = end > start && data[end - 1] === 0x0d ? end - 1 : end;
    return { partition: PARTITION, position: BigInt(position), payload: data.toString('utf8', start, stop) };
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
