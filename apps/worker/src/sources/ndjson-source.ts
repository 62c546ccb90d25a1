import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventSourceReader, SourceRecord } from './event-source.js';

const NEWLINE = 0x0a;
const PARTITION = '0';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

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
 */
export class NdjsonSource implements EventSourceReader {
  readonly name: string;
  readonly #open: (start: number) => Readable;
  readonly #path: string | undefined;
  #position = 0;
  #size: number | undefined;
  #unfinishedTail = 0;

  private constructor(name: string, open: (start: number) => Readable, path: string | undefined) {
    this.name = name;
    this.#open = open;
    this.#path = path;
    this.#size = path === undefined ? undefined : statSync(path).size;
  }

  static fromFile(path: string, name = `file:${path}`): NdjsonSource {
    return new NdjsonSource(name, (start) => createReadStream(path, { start, highWaterMark: 1 << 20 }), path);
  }

  static fromStream(stream: Readable, name: string): NdjsonSource {
    return new NdjsonSource(name, () => stream, undefined);
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
        for (let newline = data.indexOf(NEWLINE); newline !== -1; newline = data.indexOf(NEWLINE, lineStart)) {
          records.push(this.#record(data, lineStart, newline, dataOffset + newline + 1));
          lineStart = newline + 1;
        }
        pending = Buffer.from(data.subarray(lineStart));
        offset = dataOffset + lineStart;
        if (records.length > 0) {
          this.#position = offset;
          yield records;
        }
      }
      if (offset + pending.length < start) {
        throw new SourceMismatchError(`${this.name}: the input ended at byte ${offset + pending.length}, before the stored position ${start}: this is not the stream the position was stored for`);
      }
      if (pending.length > 0) {
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
