import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CatalogueIndex, parseCatalogue, type CatalogueInput } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceOwnership } from '../src/ownership/source-ownership.js';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { writeLines } from './support/in-process-worker.js';
import { spawnWorker } from './support/worker-process.js';

/** Issue #8 item 7: exactly one worker owns a source, even when two start at the same instant. */
const reward = { type: 'ITEM' as const, rewardId: 'chest', quantity: 1 };
const catalogueInput: CatalogueInput = {
  challenges: [{ id: 's1', name: 'S1', goals: [{ id: 'logins', name: 'Logins', type: 'increment', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 100_000 }, reward }] }],
};
const catalogue = new CatalogueIndex(parseCatalogue(catalogueInput));
const login = (i: number) => JSON.stringify({ id: `e${i}`, type: 'login', userId: `p${i % 50}`, namespace: 'ns', occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i % 60)).toISOString() });

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

function workload(events: number) {
  const lines = Array.from({ length: events }, (_, i) => login(i));
  const logPath = writeLines(lines);
  const cataloguePath = join(dirname(logPath), 'challenges.json');
  writeFileSync(cataloguePath, JSON.stringify(catalogueInput));
  return { lines, args: ['--input', logPath, '--catalogue', cataloguePath, '--database-url', database.url, '--summary', '--max-buffer-rows', '20', '--flush-interval-ms', '10'] };
}

describe('one owner per source', () => {
  it('a worker started while another owns the source stops before reading (exit 3, naming the owner)', async () => {
    const { args, lines } = workload(50);
    const logPath = args[1] ?? '';
    const holder = await SourceOwnership.acquire(database.url, [`source file:${logPath}`], pino({ level: 'silent' }), () => undefined);
    try {
      const exit = await spawnWorker(args).exited;
      expect(exit.code, exit.stderr.slice(-1500)).toBe(3);
      expect(exit.stderr).toContain('SOURCE_OWNED_ELSEWHERE');
      expect(exit.stderr).toContain(`goals-worker pid ${process.pid}`);
    } finally {
      await holder.release();
    }
    expect(await readTable(database.url)).toEqual(new Map());
    // once released, the source is consumed normally
    const exit = await spawnWorker(args).exited;
    expect(exit.code, exit.stderr.slice(-1500)).toBe(0);
    expect(diffTables(foldEvents(catalogue, lines), await readTable(database.url))).toEqual([]);
  });

  it('two workers started at the same instant: every event is reported by exactly one of them', async () => {
    const { args, lines } = workload(3_000);
    const exits = await Promise.all([spawnWorker(args).exited, spawnWorker(args).exited]);
    for (const exit of exits) expect([0, 3], exit.stderr.slice(-1500)).toContain(exit.code);
    const applied = exits.map((exit) => (exit.code === 0 ? (JSON.parse(exit.stdout.trim().split('\n').at(-1) ?? '{}') as { events: { applied: number } }).events.applied : 0));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(lines.length);
    expect(diffTables(foldEvents(catalogue, lines), await readTable(database.url))).toEqual([]);
  });
});
