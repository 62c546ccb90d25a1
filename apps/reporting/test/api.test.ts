import type { GoalStatus, UserGoalProgress } from '@goals/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportingApp, type ReportingApp } from './support/reporting-app.js';
import { seedPopulation, type SeededPopulation } from './support/seeded-population.js';

interface Page<T> { asOf: string | null; total: number; limit: number; offset: number; items: T[]; playersSeen?: number }
interface GoalItem { goalId: string; challengeId: string; playersSeen: number; notStarted: number; inProgress: number; completed: number; claimed: number; completionRate: number | null; claimRate: number | null; medianProgress: number | null; target: number }
type Counts = Record<GoalStatus, number>;

let population: SeededPopulation;
let reporting: ReportingApp;

beforeAll(async () => {
  population = await seedPopulation();
  reporting = await openReportingApp(population);
});

afterAll(async () => {
  await reporting.close();
  await population.database.drop();
});

const zero = (): Counts => ({ not_started: 0, in_progress: 0, completed: 0, claimed: 0 });

/** percentile_disc(0.5): the smallest value with at least half the rows at or below it. */
function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1] ?? null;
}

function rowsOf(namespace: string | undefined): UserGoalProgress[] {
  return population.allRows.filter((row) => namespace === undefined || row.namespace === namespace);
}

describe('goal overview', () => {
  it('counts per goal equal the fixture manifest (namespace fixtures)', async () => {
    const { status, body } = await reporting.getJson<Page<GoalItem>>('/api/goals?namespace=fixtures&limit=1000');
    expect(status).toBe(200);
    expect(body.asOf).not.toBeNull();
    const manifest = population.main.manifest;
    expect(body.items.map((item) => item.goalId)).toEqual(Object.keys(manifest.byGoal));
    for (const item of body.items) {
      const expected = manifest.byGoal[item.goalId];
      expect({ notStarted: item.notStarted, inProgress: item.inProgress, completed: item.completed, claimed: item.claimed }, item.goalId).toEqual({
        notStarted: expected?.not_started,
        inProgress: expected?.in_progress,
        completed: expected?.completed,
        claimed: expected?.claimed,
      });
      expect(item.playersSeen).toBe(manifest.options.users);
      expect(item.completionRate).toBeCloseTo(((expected?.completed ?? 0) + (expected?.claimed ?? 0)) / manifest.options.users, 12);
    }
  });

  it('counts players seen without a row for a goal as not started (namespace other)', async () => {
    const { body } = await reporting.getJson<Page<GoalItem>>('/api/goals?namespace=other&limit=1000');
    const manifest = population.other.manifest;
    for (const item of body.items) {
      const expected = manifest.byGoal[item.goalId];
      if (expected === undefined) {
        expect([item.notStarted, item.inProgress, item.completed, item.claimed], item.goalId).toEqual([population.other.users, 0, 0, 0]);
        expect(item.medianProgress).toBeNull();
      } else {
        expect([item.notStarted, item.inProgress, item.completed, item.claimed], item.goalId).toEqual([expected.not_started, expected.in_progress, expected.completed, expected.claimed]);
      }
    }
  });

  it('without a namespace, adds every namespace up (players seen = distinct players)', async () => {
    const { body } = await reporting.getJson<Page<GoalItem>>('/api/goals?limit=1000');
    const players = new Set(population.allRows.map((row) => row.userId)).size;
    expect(body.playersSeen).toBe(players);
    const summed = new Map<string, Counts>();
    for (const manifest of [population.main.manifest, population.other.manifest]) {
      for (const [goalId, counts] of Object.entries(manifest.byGoal)) {
        const entry = summed.get(goalId) ?? zero();
        for (const status of Object.keys(counts) as GoalStatus[]) entry[status] += counts[status];
        summed.set(goalId, entry);
      }
    }
    for (const row of population.odd.rows) {
      const entry = summed.get(row.goalId) ?? zero();
      entry[row.status]++;
      summed.set(row.goalId, entry);
    }
    for (const item of body.items) {
      const counts = summed.get(item.goalId) ?? zero();
      expect([item.inProgress, item.completed, item.claimed], item.goalId).toEqual([counts.in_progress, counts.completed, counts.claimed]);
      expect(item.notStarted, item.goalId).toBe(players - counts.in_progress - counts.completed - counts.claimed);
    }
  });

  it('gives the median progress of each goal, capped at its target', async () => {
    for (const namespace of ['fixtures', 'other', undefined]) {
      const { body } = await reporting.getJson<Page<GoalItem>>(`/api/goals?limit=1000${namespace === undefined ? '' : `&namespace=${namespace}`}`);
      for (const item of body.items) {
        const median = medianOf(rowsOf(namespace).filter((row) => row.goalId === item.goalId).map((row) => row.progress));
        expect(item.medianProgress, `${namespace ?? 'all'} ${item.goalId}`).toBe(median === null ? null : Math.min(median, item.target));
      }
    }
  });

  it('sums per challenge equal the manifest, with status and challenge filters', async () => {
    const { body } = await reporting.getJson<Page<{ challengeId: string; goals: number; notStarted: number; inProgress: number; completed: number; claimed: number }>>('/api/overview?namespace=fixtures');
    const manifest = population.main.manifest;
    expect(body.items.map((item) => item.challengeId)).toEqual(Object.keys(manifest.byChallenge));
    for (const item of body.items) {
      const expected = manifest.byChallenge[item.challengeId];
      expect([item.notStarted, item.inProgress, item.completed, item.claimed]).toEqual([expected?.byStatus.not_started, expected?.byStatus.in_progress, expected?.byStatus.completed, expected?.byStatus.claimed]);
      expect(item.goals * manifest.options.users).toBe(expected?.rows);
    }
    const challengeId = Object.keys(manifest.byChallenge)[1] ?? '';
    const one = await reporting.getJson<Page<{ challengeId: string }>>(`/api/overview?namespace=fixtures&challenge=${challengeId}`);
    expect(one.body.items.map((item) => item.challengeId)).toEqual([challengeId]);
    // namespace other only has rows in the first challenge: nobody is in progress elsewhere
    const inProgress = await reporting.getJson<Page<{ challengeId: string }>>('/api/overview?namespace=other&status=in_progress');
    expect(inProgress.body.items.map((item) => item.challengeId)).toEqual([population.catalogue.challenges[0]?.id]);
  });

  it('pages, sorts and filters the goal list', async () => {
    const all = (await reporting.getJson<Page<GoalItem>>('/api/goals?namespace=fixtures&limit=1000')).body.items;
    const page = await reporting.getJson<Page<GoalItem>>('/api/goals?namespace=fixtures&limit=5&offset=5');
    expect(page.body.items.map((item) => item.goalId)).toEqual(all.slice(5, 10).map((item) => item.goalId));
    expect([page.body.total, page.body.limit, page.body.offset]).toEqual([all.length, 5, 5]);
    const sorted = await reporting.getJson<Page<GoalItem>>('/api/goals?namespace=fixtures&limit=1000&sort=claimed&order=desc');
    const claimed = sorted.body.items.map((item) => item.claimed);
    expect(claimed).toEqual([...claimed].sort((a, b) => b - a));
    const challengeId = population.catalogue.challenges[2]?.id ?? '';
    const filtered = await reporting.getJson<Page<GoalItem>>(`/api/goals?namespace=other&challenge=${challengeId}&status=claimed`);
    expect(filtered.body.items).toEqual([]); // namespace other has no rows in the third challenge
  });
});

describe('funnel', () => {
  it('follows the prerequisite chain and counts each step from the manifest', async () => {
    const challenge = population.catalogue.challenges[0];
    const { status, body } = await reporting.getJson<Page<{ goalId: string; reached: number; step: number }> & { goalId: string; chains: { goalId: string; steps: number }[] }>(
      `/api/challenges/${challenge?.id ?? ''}/funnel?namespace=fixtures`,
    );
    expect(status).toBe(200);
    // chains of 4 in a challenge of 8 goals: g1→g2→g3→g4 and g5→…→g8
    const goals = challenge?.goals ?? [];
    expect(body.chains).toEqual([{ goalId: goals[3]?.id, goalName: goals[3]?.name, steps: 4 }, { goalId: goals[7]?.id, goalName: goals[7]?.name, steps: 4 }]);
    expect(body.items.map((step) => step.goalId)).toEqual(goals.slice(0, 4).map((goal) => goal.id));
    for (const step of body.items) {
      const counts = population.main.manifest.byGoal[step.goalId];
      expect(step.reached, step.goalId).toBe((counts?.completed ?? 0) + (counts?.claimed ?? 0));
    }
    const second = await reporting.getJson<Page<{ goalId: string; reached: number }>>(`/api/challenges/${challenge?.id ?? ''}/funnel?namespace=fixtures&goal=${goals[6]?.id ?? ''}&status=claimed`);
    expect(second.body.items.map((step) => step.goalId)).toEqual(goals.slice(4, 7).map((goal) => goal.id));
    expect(second.body.items.map((step) => step.reached)).toEqual(goals.slice(4, 7).map((goal) => population.main.manifest.byGoal[goal.id]?.claimed));
  });
});

describe('daily series', () => {
  function dailyOracle(namespace: string | undefined, challengeId?: string): Map<string, { completions: number; claims: number }> {
    const days = new Map<string, { completions: number; claims: number }>();
    for (const row of rowsOf(namespace)) {
      if (challengeId !== undefined && row.challengeId !== challengeId) continue;
      for (const [at, key] of [[row.completedAt, 'completions'], [row.claimedAt, 'claims']] as const) {
        if (at === null) continue;
        const day = at.toISOString().slice(0, 10);
        const entry = days.get(day) ?? { completions: 0, claims: 0 };
        entry[key]++;
        days.set(day, entry);
      }
    }
    return days;
  }

  it('counts completions and claims per UTC day over the range, zero-filled', async () => {
    const { status, body } = await reporting.getJson<Page<{ day: string; completions: number; claims: number }> & { from: string; to: string }>('/api/daily?from=2026-10-30&to=2026-11-12&namespace=fixtures');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(14);
    const oracle = dailyOracle('fixtures');
    for (const item of body.items) expect(item, item.day).toEqual({ day: item.day, completions: oracle.get(item.day)?.completions ?? 0, claims: oracle.get(item.day)?.claims ?? 0 });
    expect(body.items[0]).toEqual({ day: '2026-10-30', completions: 0, claims: 0 });
  });

  it('defaults to the days with activity and filters by challenge', async () => {
    const challengeId = population.catalogue.challenges[1]?.id ?? '';
    const { body } = await reporting.getJson<Page<{ day: string; completions: number; claims: number }> & { from: string; to: string }>(`/api/daily?challenge=${challengeId}`);
    const oracle = dailyOracle(undefined, challengeId);
    const days = [...oracle.keys()].sort();
    expect([body.from, body.to]).toEqual([days[0], days.at(-1)]);
    for (const item of body.items) expect([item.completions, item.claims], item.day).toEqual([oracle.get(item.day)?.completions ?? 0, oracle.get(item.day)?.claims ?? 0]);
    const claimsOnly = await reporting.getJson<Page<Record<string, unknown>>>(`/api/daily?challenge=${challengeId}&status=claimed`);
    expect(Object.keys(claimsOnly.body.items[0] ?? {})).toEqual(['day', 'claims']);
  });

  it('accepts exactly 366 days and refuses 367', async () => {
    expect((await reporting.getJson('/api/daily?from=2024-01-01&to=2024-12-31')).status).toBe(200);
    const over = await reporting.getJson<{ error: { parameter: string } }>('/api/daily?from=2024-01-01&to=2025-01-01');
    expect([over.status, over.body.error.parameter]).toEqual([400, 'to']);
  });
});

describe('one player', () => {
  it('returns the player’s rows live, as the fixtures generated them', async () => {
    const userId = 'user-00000007';
    const { status, body } = await reporting.getJson<Page<{ goalId: string; progress: number; status: string; completedAt: string | null; claimedAt: string | null; updatedAt: string; target: number; goalName: string }>>(
      `/api/players/${userId}?limit=1000`,
    );
    expect(status).toBe(200);
    const expected = population.main.rows.filter((row) => row.userId === userId).sort((a, b) => (a.goalId < b.goalId ? -1 : 1));
    expect(body.total).toBe(expected.length);
    expect(body.items.map((item) => [item.goalId, item.progress, item.status, item.completedAt, item.claimedAt, item.updatedAt])).toEqual(
      expected.map((row) => [row.goalId, row.progress, row.status, row.completedAt?.toISOString() ?? null, row.claimedAt?.toISOString() ?? null, row.updatedAt?.toISOString() ?? null]),
    );
    expect(body.items.every((item) => item.target === population.catalogue.goal(item.goalId)?.requirement.targetValue && item.goalName === population.catalogue.goal(item.goalId)?.name)).toBe(true);
  });

  it('filters by status and challenge, and pages', async () => {
    const userId = 'user-00000003';
    const challengeId = population.catalogue.challenges[0]?.id ?? '';
    const expected = population.main.rows.filter((row) => row.userId === userId && row.challengeId === challengeId && row.status === 'completed').map((row) => row.goalId).sort();
    const { body } = await reporting.getJson<Page<{ goalId: string }>>(`/api/players/${userId}?challenge=${challengeId}&status=completed`);
    expect(body.items.map((item) => item.goalId)).toEqual(expected);
    const page = await reporting.getJson<Page<{ goalId: string }>>(`/api/players/${userId}?limit=2&offset=1`);
    const all = population.main.rows.filter((row) => row.userId === userId).map((row) => row.goalId).sort();
    expect(page.body.items.map((item) => item.goalId)).toEqual(all.slice(1, 3));
  });

  it('treats SQL and URL metacharacters in an id as part of the id', async () => {
    for (const userId of population.odd.rows.map((row) => row.userId)) {
      const { status, body } = await reporting.getJson<Page<{ userId: string; progress: number }>>(`/api/players/${encodeURIComponent(userId)}`);
      expect(status, JSON.stringify(userId)).toBe(200);
      expect(body.items.map((item) => [item.userId, item.progress])).toEqual(population.odd.rows.filter((row) => row.userId === userId).map((row) => [row.userId, row.progress]));
    }
    const injected = await reporting.getJson<{ error: { code: string } }>(`/api/players/${encodeURIComponent("x' OR '1'='1")}`);
    expect([injected.status, injected.body.error.code]).toEqual([404, 'PLAYER_NOT_FOUND']);
  });

  it('says 404 for a player without rows, and 200 with no items when only the filters exclude everything', async () => {
    expect((await reporting.getJson('/api/players/nobody-at-all')).status).toBe(404);
    const filtered = await reporting.getJson<Page<unknown>>('/api/players/user-00000001?namespace=other');
    expect([filtered.status, filtered.body.total]).toEqual([200, 0]);
  });
});

describe('player prefix search', () => {
  it('finds players by id prefix, in id order, with counts', async () => {
    const { body } = await reporting.getJson<Page<{ userId: string; namespace: string; goals: number }>>('/api/players?prefix=user-0000001');
    const expected = [...new Set(population.main.rows.map((row) => row.userId))].filter((id) => id.startsWith('user-0000001')).sort();
    expect(body.items.map((item) => item.userId)).toEqual(expected);
    expect(body.items.every((item) => item.goals === population.catalogue.goals.length)).toBe(true);
  });

  it('matches % _ and backslash literally', async () => {
    const percent = await reporting.getJson<Page<{ userId: string }>>(`/api/players?prefix=${encodeURIComponent('percent%_')}`);
    expect(percent.body.items.map((item) => item.userId)).toEqual(['percent%_user']);
    expect((await reporting.getJson<Page<unknown>>(`/api/players?prefix=${encodeURIComponent('%')}`)).body.total).toBe(0);
    expect((await reporting.getJson<Page<unknown>>(`/api/players?prefix=${encodeURIComponent('user_')}`)).body.total).toBe(0);
    const slash = await reporting.getJson<Page<{ userId: string }>>(`/api/players?prefix=${encodeURIComponent('back\\')}`);
    expect(slash.body.items.map((item) => item.userId)).toEqual(['back\\slash']);
  });

  it('filters by namespace and status, and pages', async () => {
    const other = await reporting.getJson<Page<{ userId: string }>>('/api/players?namespace=other&limit=4&offset=2');
    const ids = [...new Set(population.other.rows.map((row) => row.userId))].sort();
    expect(other.body.items.map((item) => item.userId)).toEqual(ids.slice(2, 6));
    expect(other.body.total).toBe(ids.length);
    const claimed = await reporting.getJson<Page<{ userId: string }>>('/api/players?namespace=odd&status=claimed');
    expect(claimed.body.total).toBe(0);
  });
});

describe('namespaces', () => {
  it('lists every namespace with its players', async () => {
    const { body } = await reporting.getJson<Page<{ namespace: string; players: number }>>('/api/namespaces');
    expect(body.items).toEqual([
      { namespace: 'fixtures', players: 40 },
      { namespace: 'odd', players: population.odd.rows.length },
      { namespace: 'other', players: 15 },
    ]);
  });
});

describe('health', () => {
  it('answers /healthz with the summary time', async () => {
    const { status, body } = await reporting.getJson<{ status: string; asOf: string }>('/healthz');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Number.isNaN(Date.parse(body.asOf))).toBe(false);
  });
});
