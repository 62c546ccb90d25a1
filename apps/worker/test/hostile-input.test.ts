import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CatalogueIndex, parseCatalogue, type CatalogueInput } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_PAYLOAD_CHARS } from '../src/dead-letters/source-dead-letter.js';
import { NdjsonSource } from '../src/sources/ndjson-source.js';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { startWorker } from './support/in-process-worker.js';
import { spawnWorker } from './support/worker-process.js';

/**
 * Inputs a hostile user or a bad production day produces (issue #8, items 1–4
 * and 9), run through the real worker loop against real PostgreSQL; the
 * oracle is the domain fold of the events, or hashes the test computes itself.
 */
const reward = { type: 'ITEM' as const, rewardId: 'chest', quantity: 1 };
const catalogueInput: CatalogueInput = {
  challenges: [
    {
      id: 'season-1',
      name: 'Season 1',
      goals: [
        { id: 'kills-inc', name: 'Kills', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 1000 }, reward },
        { id: 'login-5', name: 'Five logins', type: 'increment', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 5 }, reward },
      ],
    },
  ],
};
const catalogue = new CatalogueIndex(parseCatalogue(catalogueInput));
const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString();
/** Every line of a log the same width, so a replaced file or a cut stream has line boundaries at the same offsets. */
const kill = (i: number, user = 'alice', prefix = 'e') => JSON.stringify({ id: `${prefix}${String(i).padStart(6, '0')}`, type: 'statistic', userId: user, namespace: 'ns', occurredAt: at(i % 60), statCode: 'kills', value: 1, inc: 1 });

let database: TestDatabase;
let admin: pg.Pool;
beforeEach(async () => {
  database = await createTestDatabase();
  admin = new pg.Pool({ connectionString: database.url });
  // pool.end() resolves before its connections have closed; drop() then terminates them
  admin.on('error', () => {});
});
afterEach(async () => {
  await admin.end();
  await database.drop();
});

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'goals-hostile-'));
}

function run(source: NdjsonSource, options: { maxBufferRows?: number; maxBufferBytes?: number; newReplay?: boolean } = {}) {
  return startWorker({ databaseUrl: database.url, catalogue, source, ...options }).done;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe('1. memory is bounded in bytes, and dead letters keep a capped payload', () => {
  it('stores 50 KB malformed lines as capped letters with the length and hash of the whole, flushing by bytes', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `{"id":"bad-${i}","junk":"${String(i % 10).repeat(50_000)}`);
    const path = join(dir(), 'flood.ndjson');
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
    // a 1 MiB byte bound: each capped letter costs ~8 KiB of heap, so the buffer must flush by bytes, not at 50,000 rows
    const summary = await run(NdjsonSource.fromFile(path, 'flood'), { maxBufferRows: 50_000, maxBufferBytes: 1 << 20 });
    expect(summary.events.dead_lettered).toBe(300);
    expect(summary.flushes).toBeGreaterThan(1);
    const { rows } = await admin.query<{ length: number; payload: string; bytes: string; sha: string }>(
      'SELECT length(payload) AS length, payload, payload_bytes::text AS bytes, payload_sha256 AS sha FROM dead_letters ORDER BY position',
    );
    expect(rows).toHaveLength(300);
    rows.forEach((row, i) => {
      const line = lines[i] ?? '';
      expect(row.length).toBe(DEAD_LETTER_PAYLOAD_CHARS);
      expect(line.startsWith(row.payload)).toBe(true);
      expect(row.bytes).toBe(String(Buffer.byteLength(line)));
      expect(row.sha).toBe(sha256(line));
    });
  });
});

describe('9. malformed UTF-8 is a malformed event', () => {
  it('dead-letters lines with invalid UTF-8 instead of merging two byte strings into one player', async () => {
    const line = (id: string, userBytes: Buffer) =>
      Buffer.concat([Buffer.from(`{"id":"${id}","type":"login","userId":"p`), userBytes, Buffer.from(`","namespace":"ns","occurredAt":"${at(1)}"}\n`)]);
    const bad1 = line('u1', Buffer.from([0xff]));
    const bad2 = line('u2', Buffer.from([0xc3, 0x28]));
    const path = join(dir(), 'utf8.ndjson');
    writeFileSync(path, Buffer.concat([bad1, bad2, Buffer.from(`${JSON.stringify({ id: 'ok', type: 'login', userId: 'pé', namespace: 'ns', occurredAt: at(2) })}\n`)]));
    const summary = await run(NdjsonSource.fromFile(path, 'utf8'));
    expect(summary.events).toEqual({ applied: 1, ignored: 0, dead_lettered: 2 });
    const { rows } = await admin.query<{ error_code: string; sha: string }>('SELECT error_code, payload_sha256 AS sha FROM dead_letters ORDER BY position');
    expect(rows).toEqual([
      { error_code: 'MALFORMED_EVENT', sha: sha256(bad1.subarray(0, bad1.length - 1)) },
      { error_code: 'MALFORMED_EVENT', sha: sha256(bad2.subarray(0, bad2.length - 1)) },
    ]);
    const progress = await admin.query<{ user_id: string }>('SELECT user_id FROM user_goal_progress');
    expect(progress.rows).toEqual([{ user_id: 'pé' }]);
  });
});

describe('2. a resumed stream must be its own stream', () => {
  const first = Array.from({ length: 10 }, (_, i) => kill(i));

  it('refuses stdin restarted with only the rest of the stream, and writes nothing', async () => {
    const whole = Buffer.from([...first, ...Array.from({ length: 10 }, (_, i) => kill(10 + i))].map((l) => `${l}\n`).join(''));
    const cut = Buffer.from(first.map((l) => `${l}\n`).join('')).length;
    await run(NdjsonSource.fromStream(Readable.from([whole.subarray(0, cut)]), 'backfill'));
    const before = await readTable(database.url);
    // only the rest, as long as the part already read: the old reader skipped all of it in silence
    const rest = whole.subarray(cut);
    await expect(run(NdjsonSource.fromStream(Readable.from([rest]), 'backfill'))).rejects.toMatchObject({ code: 'SOURCE_MISMATCH' });
    expect(diffTables(before, await readTable(database.url))).toEqual([]);
    // the whole stream again resumes where it stopped: every event once
    await run(NdjsonSource.fromStream(Readable.from([whole]), 'backfill'));
    expect(diffTables(foldEvents(catalogue, whole.toString().trim().split('\n')), await readTable(database.url))).toEqual([]);
  });

  it('refuses a file replaced by another whose lines have the same widths', async () => {
    const path = join(dir(), 'events.ndjson');
    writeFileSync(path, first.map((l) => `${l}\n`).join(''));
    await run(NdjsonSource.fromFile(path, 'daily-log'));
    writeFileSync(path, Array.from({ length: 20 }, (_, i) => `${kill(i, 'bobby', 'x')}\n`).join(''));
    await expect(run(NdjsonSource.fromFile(path, 'daily-log'))).rejects.toMatchObject({ code: 'SOURCE_MISMATCH' });
  });
});

describe('3. the same content under another name', () => {
  it('refuses a symlink or a copy of a consumed file, unless the operator says it is a deliberate new replay', async () => {
    const root = dir();
    const path = join(root, 'events.ndjson');
    const lines = Array.from({ length: 5 }, (_, i) => kill(i));
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
    const link = join(root, 'latest.ndjson');
    symlinkSync(path, link);
    mkdirSync(join(root, 'archive'));
    const copy = join(root, 'archive', 'events.ndjson');
    copyFileSync(path, copy);
    await run(NdjsonSource.fromFile(path, `file:${path}`));
    const once = await readTable(database.url);
    expect(diffTables(foldEvents(catalogue, lines), once)).toEqual([]);
    for (const other of [link, copy]) {
      const refusal = await run(NdjsonSource.fromFile(other, `file:${other}`)).catch((e: unknown) => e);
      expect(refusal).toMatchObject({ code: 'SOURCE_ALREADY_CONSUMED', message: expect.stringContaining(`file:${path}`) });
      expect(diffTables(once, await readTable(database.url))).toEqual([]);
    }
    // an appended original is still the same source, resumed
    appendFileSync(path, `${kill(5)}\n`);
    await run(NdjsonSource.fromFile(path, `file:${path}`));
    const deliberate = await run(NdjsonSource.fromFile(copy, `file:${copy}`), { newReplay: true });
    expect(deliberate.events.applied).toBe(5);
    expect(diffTables(foldEvents(catalogue, [...lines, kill(5), ...lines]), await readTable(database.url))).toEqual([]);
  });
});

describe('4. a newline that arrives later', () => {
  it('goes on reading an appended file whose last line was taken before its newline arrived', async () => {
    const path = join(dir(), 'growing.ndjson');
    writeFileSync(path, `${kill(0)}\n${kill(1)}`);
    expect((await run(NdjsonSource.fromFile(path, 'growing'))).events.applied).toBe(2);
    appendFileSync(path, `\n${kill(2)}\n${kill(3)}`);
    expect((await run(NdjsonSource.fromFile(path, 'growing'))).events.applied).toBe(2);
    appendFileSync(path, `\r\n${kill(4)}\n`);
    expect((await run(NdjsonSource.fromFile(path, 'growing'))).events.applied).toBe(1);
    expect(diffTables(foldEvents(catalogue, [0, 1, 2, 3, 4].map((i) => kill(i))), await readTable(database.url))).toEqual([]);
  });
});

describe('1. a flood of large malformed lines, in the real process with the bin\'s heap cap', () => {
  it('does not exhaust the 192 MB heap (it did in about a second), and dead-letters every line', async () => {
    const path = join(dir(), 'flood.ndjson');
    // 1,600 lines of 100 KB (160 MB): held whole as payloads until the flush, they overflowed the heap on every restart
    const fd = openSync(path, 'w');
    try {
      for (let i = 0; i < 1_600; i++) writeSync(fd, `{"id":"bad-${i}","junk":"${String(i % 10).repeat(100_000)}\n`);
    } finally {
      closeSync(fd);
    }
    const cataloguePath = join(dir(), 'challenges.json');
    writeFileSync(cataloguePath, JSON.stringify(catalogueInput));
    try {
      const exit = await spawnWorker(['--input', path, '--catalogue', cataloguePath, '--database-url', database.url, '--summary', '--log-level', 'warn'], {}, ['--max-old-space-size=192']).exited;
      expect(exit.code, exit.stderr.slice(-1500)).toBe(0);
      expect((JSON.parse(exit.stdout.trim().split('\n').at(-1) ?? '{}') as { events: unknown }).events).toEqual({ applied: 0, ignored: 0, dead_lettered: 1_600 });
      const { rows } = await admin.query<{ letters: number; longest: number }>('SELECT count(*)::int AS letters, max(length(payload))::int AS longest FROM dead_letters');
      expect(rows).toEqual([{ letters: 1_600, longest: DEAD_LETTER_PAYLOAD_CHARS }]);
    } finally {
      rmSync(path, { force: true });
    }
  }, 120_000);
});
