import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../src/sources/event-source.js';
import { NdjsonSource, SourceMismatchError } from '../src/sources/ndjson-source.js';

/** Every record with all its fields; `checkpoint` = the stored checkpoint of `from`. */
async function readRecords(source: NdjsonSource, from?: bigint, checkpoint?: string): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  const checkpoints = new Map(checkpoint === undefined ? [] : [['0', checkpoint]]);
  for await (const chunk of source.read(new Map(from === undefined ? [] : [['0', from]]), checkpoints)) records.push(...chunk);
  return records;
}

/** Partition, position, payload (and oversizedBytes): what a record says, without its identity fields. */
async function readAll(source: NdjsonSource, from?: bigint, checkpoint?: string): Promise<SourceRecord[]> {
  return (await readRecords(source, from, checkpoint)).map((r) => ({
    partition: r.partition,
    position: r.position,
    payload: r.payload,
    ...(r.oversizedBytes === undefined ? {} : { oversizedBytes: r.oversizedBytes }),
  }));
}

function file(content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'goals-ndjson-')), 'events.ndjson');
  writeFileSync(path, content);
  return path;
}

/** A stream that delivers `content` in chunks of `size` bytes, splitting multi-byte characters. */
function chunked(content: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < content.length; i += size) chunks.push(content.subarray(i, i + size));
  return Readable.from(chunks);
}

const content = Buffer.from('{"a":"é"}\r\n\n{"b":"😀"}\n{"c":3}');

describe('NdjsonSource', () => {
  it('gives every line with the byte offset after it, whatever the chunking (CRLF, blank lines, multi-byte characters, no final newline)', async () => {
    const expected = [
      { partition: '0', position: 12n, payload: '{"a":"é"}' },
      { partition: '0', position: 13n, payload: '' },
      { partition: '0', position: 26n, payload: '{"b":"😀"}' },
      { partition: '0', position: 33n, payload: '{"c":3}' },
    ];
    expect(await readAll(NdjsonSource.fromFile(file(content), 'f'))).toEqual(expected);
    for (let size = 1; size <= content.length; size++) {
      expect(await readAll(NdjsonSource.fromStream(chunked(content, size), 's'))).toEqual(expected);
    }
  });

  it('resumes exactly after a stored position, from a file and from a replayed stream', async () => {
    const path = file(content);
    for (const position of [12n, 13n, 26n, 33n]) {
      const fromFile = await readAll(NdjsonSource.fromFile(path, 'f'), position);
      const fromStream = await readAll(NdjsonSource.fromStream(chunked(content, 5), 's'), position);
      expect(fromFile.map((r) => r.position)).toEqual([12n, 13n, 26n, 33n].filter((p) => p > position));
      expect(fromStream).toEqual(fromFile);
    }
  });

  it('refuses a stored position that is not at a line boundary of this input', async () => {
    await expect(readAll(NdjsonSource.fromFile(file(content), 'f'), 5n)).rejects.toBeInstanceOf(SourceMismatchError);
    await expect(readAll(NdjsonSource.fromFile(file(content), 'f'), 500n)).rejects.toThrow(/past the end/);
    await expect(readAll(NdjsonSource.fromStream(chunked(content, 4), 's'), 5n)).rejects.toThrow(/not at the start of a line/);
    await expect(readAll(NdjsonSource.fromStream(chunked(Buffer.from('{"a":1}\n'), 4), 's'), 27n)).rejects.toThrow(/ended at byte 8, before the stored position 27/);
  });

  it('leaves an incomplete last line of a file for the next run, and reads it once it is finished', async () => {
    const path = file('{"a":1}\n{"b":');
    const source = NdjsonSource.fromFile(path, 'f');
    expect((await readAll(source)).map((r) => r.payload)).toEqual(['{"a":1}']);
    expect(source.unfinishedTail).toBe(5);
    appendFileSync(path, '2}\n');
    expect(await readAll(NdjsonSource.fromFile(path, 'f'), 8n)).toEqual([{ partition: '0', position: 16n, payload: '{"b":2}' }]);
  });

  it('skips a UTF-8 byte-order mark at the start', async () => {
    const records = await readAll(NdjsonSource.fromFile(file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')])), 'f'));
    expect(records).toEqual([{ partition: '0', position: 11n, payload: '{"a":1}' }]);
  });
});

describe('NdjsonSource line limit', () => {
  it('turns a line longer than the limit into one marked record at the right position, without holding it, whatever the chunking', async () => {
    const long = 'x'.repeat(100);
    const input = Buffer.from(`{"a":1}\n${long}\n{"b":2}\n${long}`);
    // an oversized record keeps the beginning of its line (as much as was read before the limit tripped)
    const shape = (records: SourceRecord[]) =>
      records.map((r) => (r.oversizedBytes === undefined ? r : { position: r.position, oversizedBytes: r.oversizedBytes, keepsBeginning: r.payload.length > 0 && long.startsWith(r.payload) }));
    const expected = [
      { partition: '0', position: 8n, payload: '{"a":1}' },
      { position: 109n, oversizedBytes: 100, keepsBeginning: true },
      { partition: '0', position: 117n, payload: '{"b":2}' },
      { position: 217n, oversizedBytes: 100, keepsBeginning: true },
    ];
    for (const size of [1, 7, 16, 50, 101, 300]) {
      expect(shape(await readAll(NdjsonSource.fromStream(chunked(input, size), 's', 16)))).toEqual(expected);
    }
    expect(shape(await readAll(NdjsonSource.fromFile(file(input), 'f', 16)))).toEqual(expected);
    expect(shape(await readAll(NdjsonSource.fromFile(file(input), 'f', 16), 109n))).toEqual(expected.slice(2));
  });
});
