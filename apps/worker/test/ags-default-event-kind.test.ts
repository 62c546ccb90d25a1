import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyGoalEffect, CatalogueIndex, parseCatalogue, parseGameEventLine, planEventEffects, type CatalogueInput, type UserGoalProgress } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveWorkerConfig } from '../src/config/worker-config.js';
import { runWorker } from '../src/run-worker.js';
import { readTable } from './support/expected-table.js';
import { writeLines } from './support/in-process-worker.js';

/**
 * `--default-event-kind` (issue 21): an NDJSON file of one AGS kind whose
 * records leave out `name`, as AccelByte's own tooling writes them.
 */
const reward = { type: 'ITEM' as const, rewardId: 'chest', quantity: 1 };
const catalogueInput: CatalogueInput = {
  challenges: [
    {
      id: 's1',
      name: 'Season 1',
      goals: [
        { id: 'kills-10', name: 'Ten kills', type: 'absolute', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 10 }, reward },
        { id: 'kills-inc', name: 'Kill streak', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 5 }, reward },
      ],
    },
  ],
};

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

describe('worker --default-event-kind', () => {
  const lines = [
    JSON.stringify({ id: 'k1', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T09:00:00Z', payload: { statCode: 'kills', latestValue: 4.5, inc: 4.5 } }),
    JSON.stringify({ id: 'k2', namespace: 'mygame', timestamp: '2026-12-01T09:05:00Z', payload: { userId: 'u1', statCode: 'kills', latestValue: 11, inc: 6 } }),
    JSON.stringify({ id: 'k3', namespace: 'mygame', userId: 'u2', timestamp: '2026-12-01T09:05:00Z', payload: { statCode: 'kills', latestValue: 3 } }),
    // no timestamp: a file replay has no receive time to stand in, so it is dead-lettered
    JSON.stringify({ id: 'k4', namespace: 'mygame', userId: 'u3', payload: { statCode: 'kills', latestValue: 1, inc: 1 } }),
  ];

  it('applies unnamed AGS records as that kind, and equals the fold of the same rules', async () => {
    const path = writeLines(lines);
    const cataloguePath = join(dirname(path), 'challenges.json');
    writeFileSync(cataloguePath, JSON.stringify(catalogueInput));
    const config = resolveWorkerConfig({ input: path, catalogue: cataloguePath, databaseUrl: database.url, metricsPort: 0, logLevel: 'silent', defaultEventKind: 'statItemUpdated' }, {});
    const summary = await runWorker(config, { handleSignals: false });
    expect(summary.events).toEqual({ applied: 3, ignored: 0, dead_lettered: 1 });

    const catalogue = new CatalogueIndex(parseCatalogue(catalogueInput));
    const expected = new Map<string, UserGoalProgress>();
    for (const line of lines) {
      const parsed = parseGameEventLine(line, { sourceKind: 'statItemUpdated' });
      if (!parsed.ok) continue;
      const plan = planEventEffects(catalogue, parsed.event);
      if (plan.outcome !== 'applied') continue;
      for (const effect of plan.effects) {
        const key = `${effect.userId}\u0000${effect.goalId}`;
        expected.set(key, applyGoalEffect(expected.get(key) ?? null, effect));
      }
    }
    const table = await readTable(database.url);
    expect(new Map([...table].map(([key, row]) => [key, row.progress]))).toEqual(new Map([...expected].map(([key, row]) => [key, row.progress])));
    // spot checks independent of the fold: integer parts, the payload's user, inc absent = 0
    expect(table.get('u1\u0000kills-10')?.progress).toBe(11);
    expect(table.get('u1\u0000kills-inc')?.progress).toBe(10);
    expect(table.get('u2\u0000kills-10')?.progress).toBe(3);
    expect(table.has('u2\u0000kills-inc')).toBe(false);
  });

  it('refuses an unknown kind naming the flag and the variable', () => {
    expect(() => resolveWorkerConfig({ input: 'x.ndjson', catalogue: 'c.json', defaultEventKind: 'purchase' }, {})).toThrow(/defaultEventKind \(--default-event-kind \/ GOALS_DEFAULT_EVENT_KIND\)/);
  });
});
