import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CatalogueIndex, parseCatalogue, parseGameEvent, parseGameEventLine, type AgsEventName, type CatalogueInput, type GameEvent } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { EVENT_STREAM_NAME, partitionSubject } from '@goals/event-stream';
import { diffProgressFacts, foldGameEvents, readProgressFacts, type RowFacts } from '@goals/fixtures';
import { eventually } from '@goals/runtime/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from './support/ags-client.js';
import { natsBinary, startHarness, type IngressHarness } from './support/ingress-harness.js';
import { readStream } from './support/stream-contents.js';

/**
 * AGS → ingress → JetStream → the real worker (its built CLI, as a separate
 * process, as the worker's own JetStream tests run it) → user_goal_progress,
 * compared with an independent fold: every call's message parsed by the
 * domain parser and folded through `planEventEffects`/`applyGoalEffect` in
 * memory, in the order the stream holds the events.
 */
const WORKER_MAIN = fileURLToPath(new URL('../node_modules/@goals/worker/dist/main.js', import.meta.url));
const PARTITIONS = 4;
const reward = { type: 'ITEM' as const, rewardId: 'chest', quantity: 1 };
const catalogueInput: CatalogueInput = {
  challenges: [
    {
      id: 'season',
      name: 'Season',
      goals: [
        { id: 'kills-50', name: 'Fifty kills', type: 'absolute', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 50 }, reward },
        { id: 'kills-inc', name: 'Kill streak', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 20 }, reward },
        { id: 'play-days', name: 'Play on 2 days', type: 'increment', daily: true, eventSource: 'statistic', requirement: { statCode: 'games', operator: '>=', targetValue: 2 }, reward },
        { id: 'play-daily', name: 'Play today', type: 'daily', eventSource: 'statistic', requirement: { statCode: 'games', operator: '>=', targetValue: 1 }, reward },
        { id: 'login-once', name: 'First login', type: 'absolute', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 1 }, reward },
        { id: 'login-5', name: 'Five logins', type: 'increment', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 5 }, reward },
        { id: 'login-days', name: 'Log in on 3 days', type: 'increment', daily: true, eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 3 }, reward },
      ],
    },
  ],
};

interface Call {
  kind: AgsEventName;
  message: Record<string, unknown>;
}

/** Deterministic calls (a small LCG): both kinds, with and without name/id/timestamp, doubles, negatives, no inc, retries, refusals. */
function generateCalls(count: number, seed: number): Call[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
  const calls: Call[] = [];
  for (let i = 0; i < count; i++) {
    const user = `p${next(25)}`;
    const time = new Date(Date.UTC(2026, 10, 20 + next(3), next(24), next(60))).toISOString();
    const envelope = {
      ...(next(3) === 0 ? {} : { id: `e2e-${i}` }),
      ...(next(4) === 0 ? {} : { timestamp: time }),
      namespace: 'mygame',
    };
    if (next(2) === 0) {
      calls.push({
        kind: 'userLoggedIn',
        message: { ...envelope, ...(next(2) === 0 ? { name: 'mygame.iam.account.v1.userLoggedIn' } : {}), ...(next(3) === 0 ? {} : { userId: user }), payload: { userAccount: { userId: user } } },
      });
    } else {
      const statCode = next(2) === 0 ? 'kills' : 'games';
      const latestValue = next(10) === 0 ? -(1 + next(5)) : next(80) + (next(2) === 0 ? 0.5 : 0);
      const inc = next(5) === 0 ? undefined : next(4) + (next(3) === 0 ? 0.75 : 0);
      calls.push({
        kind: 'statItemUpdated',
        message: { ...envelope, ...(next(2) === 0 ? { name: 'statItemUpdated' } : {}), ...(next(3) === 0 ? {} : { userId: user }), payload: { userId: user, statCode, latestValue, ...(inc === undefined ? {} : { inc }) } },
      });
    }
    // a retry of an earlier call (AGS redelivers): stored once
    if (next(15) === 0 && calls.length > 1) calls.push(calls[next(calls.length - 1)] as Call);
  }
  // refused or filtered: never in the table
  calls.push({ kind: 'statItemUpdated', message: { id: 'e2e-bad', namespace: 'mygame', userId: 'p1', timestamp: '2026-11-21T10:00:00Z', payload: { latestValue: 5 } } });
  calls.push({ kind: 'userLoggedIn', message: { id: 'e2e-other', namespace: 'othergame', userId: 'p1', timestamp: '2026-11-21T10:00:00Z' } });
  return calls;
}

let database: TestDatabase;
let harness: IngressHarness;
describe.skipIf(natsBinary === null)('AGS → ingress → JetStream → worker', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await startHarness({ partitions: PARTITIONS, namespace: 'mygame' }, PARTITIONS);
  });
  afterAll(async () => {
    await harness.dispose();
    await database.drop();
  });

  it('the worker fed by the ingress writes the table the fold of the calls gives', async () => {
    const calls = generateCalls(400, 7);
    const results = await sendConcurrently(calls, 16);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toEqual([expect.objectContaining({ ok: false, details: expect.stringMatching(/payload\.statCode: missing/) })]);

    const dir = mkdtempSync(join(tmpdir(), 'goals-ingress-e2e-'));
    chmodSync(dir, 0o755);
    const cataloguePath = join(dir, 'challenges.json');
    writeFileSync(cataloguePath, JSON.stringify(catalogueInput));
    const worker = spawn(
      process.execPath,
      [
        WORKER_MAIN,
        ...['--source', 'jetstream', '--nats-servers', harness.nats.url, '--partitions', String(PARTITIONS), '--catalogue', cataloguePath, '--database-url', database.url],
        ...['--worker-id', 'e2e-worker', '--flush-interval-ms', '200', '--metrics-port', '0', '--lease-ttl-ms', '3000', '--lease-scan-interval-ms', '500', '--log-level', 'warn'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    worker.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      await waitUntilConsumed(harness, database.url, 60_000);
    } finally {
      worker.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);

    const expected = await foldAsStored(harness, calls);
    expect(expected.size).toBeGreaterThan(50);
    expect(diffProgressFacts(expected, await readProgressFacts(database.url))).toEqual([]);
    const letters = await query(database.url, 'SELECT count(*)::int AS n FROM dead_letters');
    expect(letters).toEqual([{ n: 0 }]);
  });
});

async function sendConcurrently(calls: readonly Call[], streams: number): Promise<CallResult[]> {
  const results: CallResult[] = new Array<CallResult>(calls.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      while (next < calls.length) {
        const index = next++;
        const call = calls[index] as Call;
        results[index] = await harness.client.send(call.kind, call.message);
      }
    }),
  );
  return results;
}

/**
 * The oracle. Each stored message is matched to the call it came from by its
 * event id (the call's id, or the id the domain derives from the call's
 * content); the call's message is parsed again by the domain parser, the
 * time-less ones at the receive time the stream recorded, and folded in
 * stream order.
 */
async function foldAsStored(h: IngressHarness, calls: readonly Call[]): Promise<Map<string, RowFacts>> {
  const catalogue = new CatalogueIndex(parseCatalogue(catalogueInput));
  const stored = await readStream(h.observer);
  const callById = new Map<string, Call>();
  for (const call of calls) {
    const parsed = parseGameEvent(call.message, { sourceKind: call.kind, receivedAt: new Date(0), namespace: 'mygame' });
    if (parsed.ok) callById.set(parsed.event.id, call);
  }
  expect(stored).toHaveLength(callById.size);
  const events: GameEvent[] = [];
  for (const message of stored) {
    const call = callById.get(message.msgId ?? '');
    if (call === undefined) expect.fail(`stored message ${String(message.msgId)} matches no call`);
    const storedEvent = parseGameEventLine(message.body);
    if (!storedEvent.ok) expect.fail(storedEvent.reason);
    const parsed = parseGameEvent(call.message, { sourceKind: call.kind, receivedAt: storedEvent.event.occurredAt });
    if (!parsed.ok) expect.fail(parsed.reason);
    events.push(parsed.event);
  }
  return foldGameEvents(catalogue, events);
}

async function query(url: string, text: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Until every partition's stored position (in PostgreSQL) is the stream's last sequence on its subject. */
async function waitUntilConsumed(h: IngressHarness, url: string, deadlineMs: number): Promise<void> {
  const jsm = await jetstreamManager(h.observer);
  const last = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    const message = await jsm.streams.getMessage(EVENT_STREAM_NAME, { last_by_subj: partitionSubject(p) });
    last.set(String(p), message?.seq ?? 0);
  }
  await eventually(
    async () => {
      const rows = await query(url, "SELECT partition, position::text AS position FROM source_positions WHERE source = 'jetstream:GOALS_EVENTS'");
      const stored = new Map(rows.map((r) => [String(r.partition), Number(r.position)]));
      return [...last].every(([p, seq]) => seq === 0 || (stored.get(p) ?? 0) >= seq);
    },
    { timeoutMs: deadlineMs, describe: () => 'the worker to consume every partition' },
  );
}
