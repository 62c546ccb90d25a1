import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventSourceReader, SourceRecord } from './event-source.js';

const NEWLINE = 0x0a;
const PARTITION = '0';

/**
 * NDJSON from a file or a stream (stdin), one partition, byte offsets as
 * positions. A file resumes by seeking; a stream cannot seek, so the reader
 * discards the bytes before the stored position (the same stream must be
 * replayed, which is what a backfill from stdin does).
 */
export class NdjsonSource implements EventSourceReader {
  readonly name: string;
  readonly #open: (start: number) => Readable;
  readonly #canSeek: boolean;
  readonly #size: number | undefined;
  #position = 0;

  private constructor(name: string, open: (start: number) => Readable, canSeek: boolean, size: number | undefined) {
    this.name = name;
    this.#open = open;
    this.#canSeek = canSeek;
    this.#size = size;
  }

  static fromFile(path: string, name = `file:${path}`): NdjsonSource {
    const size = statSync(path).size;
    return new NdjsonSource(name, (start) => createReadStream(path, { start, highWaterMark: 1 << 20 }), true, size);
  }

  static fromStream(stream: Readable, name = 'stdin'): NdjsonSource {
    return new NdjsonSource(name, () => stream, false, undefined);
  }

  lag(): number | undefined {
    return this.#size === undefined ? undefined : Math.max(0, this.#size - this.#position);
  }

  async *read(resumeAt: ReadonlyMap<string, bigint>): AsyncIterable<SourceRecord[]> {
    const start = Number(resumeAt.get(PARTITION) ?? 0n);
    if (this.#size !== undefined && start > this.#size) {
      throw new Error(`${this.name}: stored position ${start} is past the end of the file (${this.#size} bytes); was the file replaced?`);
    }
    const stream = this.#open(this.#canSeek ? start : 0);
    let offset = this.#canSeek ? start : 0; // byte offset of `pending[0]` in the source
    let pending: Buffer = Buffer.alloc(0);
    this.#position = start;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let dataOffset = offset;
        if (dataOffset < start) {
          // stream replay: drop what was already committed
          const skip = Math.min(start - dataOffset, data.length);
          data = data.subarray(skip);
          dataOffset += skip;
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
      if (pending.length > 0) {
        // a last line without its newline still counts; its position is the end of the file
        const end = offset + pending.length;
        this.#position = end;
        yield [this.#record(pending, 0, pending.length, end)];
      }
    } finally {
      stream.destroy();
    }
  }

  #record(data: Buffer, start: number, end: number, position: number): SourceRecord {
    const stop = end > start && data[end - 1] === 0x0d ? end - 1 : end;
    return { partition: PARTITION, position: BigInt(position), payload: data.toString('utf8', start, stop) };
  }
}
