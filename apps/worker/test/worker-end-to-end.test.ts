import { CatalogueIndex, parseCatalogue, type CatalogueInput } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { startWorker, writeLines } from './support/in-process-worker.js';

const reward = { type: 'ITEM' as const, rewardId: 'chest', quantity: 1 };
const catalogueInput: CatalogueInput = {
  challenges: [
    {
      id: 'season-1',
      name: 'Season 1',
      goals: [
        { id: 'kills-10', name: 'Ten kills', type: 'absolute', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 10 }, reward },
        { id: 'kills-inc', name: 'Kill streak', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 5 }, reward },
        { id: 'play-daily', name: 'Play 3 days', type: 'increment', daily: true, eventSource: 'statistic', requirement: { statCode: 'games', operator: '>=', targetValue: 3 }, reward },
        { id: 'login-once', name: 'First login', type: 'absolute', eventSource: 'login', requirement: { statCode: 'kills', operator: '>=', targetValue: 1 }, reward },
        { id: 'login-5', name: 'Five logins', type: 'increment', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 5 }, reward },
        { id: 'login-daily', name: 'Daily login', type: 'daily', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 1 }, reward },
        { id: 'login-days', name: 'Log in on 2 days', type: 'increment', daily: true, eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 2 }, reward },
      ],
    },
  ],
};
const catalogue = new CatalogueIndex(parseCatalogue(catalogueInput));

const day = (d: number, hour = 12) => new Date(Date.UTC(2026, 10, d, hour)).toISOString();
const login = (id: string, user: string, at: string) => JSON.stringify({ id, type: 'login', userId: user, namespace: 'ns', occurredAt: at });
const stat = (id: string, user: string, statCode: string, value: number, at: string, inc?: number) =>
  JSON.stringify({ id, type: 'statistic', userId: user, namespace: 'ns', occurredAt: at, statCode, value, ...(inc === undefined ? {} : { inc }) });

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('worker end to end', () => {
  const lines = [
    login('e1', 'alice', day(1, 8)),
    stat('e2', 'alice', 'kills', 4, day(1, 9)),
    stat('e3', 'alice', 'kills', 12, day(1, 10), 3),
    stat('e4', 'alice', 'kills', 7, day(1, 11), 2),
    stat('e5', 'alice', 'games', 1, day(1, 12)),
    stat('e6', 'alice', 'games', 2, day(1, 13)),
    login('e7', 'alice', day(1, 14)),
    login('e8', 'alice', day(2, 8)),
    stat('e9', 'alice', 'games', 3, day(2, 9)),
    stat('e10', 'bob', 'kills', 3, day(2, 9)),
    login('e11', 'bob', day(3, 1)),
    stat('e12', 'alice', 'games', 4, day(3, 9)),
    'this is not json',
    stat('e13', 'carol', 'unknown-stat', 5, day(3, 10)),
    JSON.stringify({ id: 'e14', type: 'statistic', userId: 'carol', namespace: 'ns', occurredAt: day(3), statCode: 'kills', value: -1 }),
    JSON.stringify({ id: 'e15', name: 'userLoggedIn', userId: 'dave', namespace: 'ns', timestamp: day(3) }),
    JSON.stringify({ id: 'e16', name: 'statItemUpdated', userId: 'dave', namespace: 'ns', timestamp: day(3), payload: { statCode: 'kills', latestValue: 11.7 } }),
  ];

  it('turns events into the rows the domain rules give, for every goal type and both event kinds', async () => {
    for (const maxBufferRows of [1, 3, 1_000]) {
      await query('TRUNCATE user_goal_progress, source_positions, dead_letters');
      const run = startWorker({ databaseUrl: database.url, catalogue, path: writeLines(lines), maxBufferRows });
      const summary = await run.done;
      expect(summary.events).toEqual({ applied: 14, ignored: 1, dead_lettered: 2 });
      const expected = foldEvents(catalogue, lines);
      expect(diffTables(expected, await readTable(database.url))).toEqual([]);
    }
    // spot checks of the oracle itself, so a wrong fold cannot pass silently
    const rows = await query<{ user_id: string; goal_id: string; progress: number; status: string }>('SELECT user_id, goal_id, progress, status FROM user_goal_progress ORDER BY 1, 2');
    const progressOf = (user: string, goal: string) => rows.find((r) => r.user_id === user && r.goal_id === goal);
    expect(progressOf('alice', 'kills-10')).toMatchObject({ progress: 7, status: 'completed' });
    expect(progressOf('alice', 'kills-inc')).toMatchObject({ progress: 6, status: 'completed' });
    expect(progressOf('alice', 'play-daily')).toMatchObject({ progress: 3, status: 'completed' });
    expect(progressOf('alice', 'login-5')).toMatchObject({ progress: 3, status: 'in_progress' });
    expect(progressOf('alice', 'login-days')).toMatchObject({ progress: 2, status: 'completed' });
    expect(progressOf('alice', 'login-daily')).toMatchObject({ progress: 1, status: 'completed' });
    expect(progressOf('dave', 'kills-10')).toMatchObject({ progress: 11, status: 'completed' });
    expect(progressOf('bob', 'kills-10')).toMatchObject({ progress: 3, status: 'in_progress' });
    expect(rows.some((r) => r.user_id === 'carol')).toBe(false);
  });

  it('dead-letters malformed events with their reason and stores the position with the rows', async () => {
    const path = writeLines(lines);
    const run = startWorker({ databaseUrl: database.url, catalogue, path, maxBufferRows: 4 });
    await run.done;
    const letters = await query<{ payload: string; reason: string; error_code: string; event_id: string | null }>('SELECT payload, reason, error_code, event_id FROM dead_letters ORDER BY position');
    expect(letters.map((l) => l.error_code)).toEqual(['MALFORMED_EVENT', 'MALFORMED_EVENT']);
    expect(letters[0]).toMatchObject({ payload: 'this is not json', event_id: null });
    expect(letters[0]?.reason).toMatch(/not JSON/);
    expect(letters[1]).toMatchObject({ event_id: 'e14' });
    expect(letters[1]?.reason).toMatch(/negative/);
    const positions = await query<{ source: string; partition: string; position: string }>('SELECT source, partition, position FROM source_positions');
    const { size } = await import('node:fs').then((fs) => fs.statSync(path));
    expect(positions).toEqual([{ source: 'test-log', partition: '0', position: String(size) }]);
  });

  it('dead-letters a line over the 1 MiB limit with its beginning, and applies the lines around it', async () => {
    const huge = `{"id":"big","pad":"${'x'.repeat(2 << 20)}"}`;
    const around = [login('o1', 'olga', day(1)), huge, login('o2', 'olga', day(2))];
    const summary = await startWorker({ databaseUrl: database.url, catalogue, path: writeLines(around) }).done;
    expect(summary.events).toEqual({ applied: 2, ignored: 0, dead_lettered: 1 });
    const letters = await query<{ error_code: string; payload: string; reason: string }>('SELECT error_code, payload, reason FROM dead_letters');
    expect(letters).toHaveLength(1);
    expect(letters[0]?.error_code).toBe('OVERSIZED_EVENT');
    expect(letters[0]?.payload.startsWith('{"id":"big"')).toBe(true);
    expect(letters[0]?.payload.length).toBeLessThanOrEqual(1024);
    expect(diffTables(foldEvents(catalogue, around), await readTable(database.url))).toEqual([]);
  });

  it('resumes after the stored position: a second run over the same log changes nothing', async () => {
    const path = writeLines(lines);
    await startWorker({ databaseUrl: database.url, catalogue, path }).done;
    const first = await readTable(database.url);
    const second = await startWorker({ databaseUrl: database.url, catalogue, path }).done;
    expect(second.events).toEqual({ applied: 0, ignored: 0, dead_lettered: 0 });
    expect(await readTable(database.url)).toEqual(first);
    expect(await query('SELECT 1 FROM dead_letters')).toHaveLength(2);
  });

  it('isolates rows the database refuses: the rest commits, the offender is dead-lettered with the error', async () => {
    await query(`ALTER TABLE user_goal_progress ADD CONSTRAINT no_mallory CHECK (user_id <> 'mallory')`);
    const poisoned = [stat('p1', 'alice', 'kills', 3, day(1)), stat('p2', 'mallory', 'kills', 20, day(1)), stat('p3', 'bob', 'kills', 30, day(1)), login('p4', 'mallory', day(1))];
    const run = startWorker({ databaseUrl: database.url, catalogue, path: writeLines(poisoned) });
    const summary = await run.done;
    expect(summary.poisonRows).toBe(6); // mallory: 2 kill goals + 4 login goals
    const table = await readTable(database.url);
    expect([...table.keys()].filter((k) => k.startsWith('mallory'))).toEqual([]);
    const expected = foldEvents(catalogue, poisoned.filter((l) => !l.includes('mallory')));
    expect(diffTables(expected, table)).toEqual([]);
    const letters = await query<{ goal_id: string; error_code: string; reason: string }>('SELECT goal_id, error_code, reason FROM dead_letters ORDER BY goal_id');
    expect(letters.map((l) => l.goal_id)).toEqual(['kills-10', 'kills-inc', 'login-5', 'login-daily', 'login-days', 'login-once']);
    expect(letters.every((l) => l.error_code === 'WRITE_REFUSED' && l.reason.includes('no_mallory'))).toBe(true);
  });
});
