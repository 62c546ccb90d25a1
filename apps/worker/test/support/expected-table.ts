import { applyGoalEffect, parseGameEventLine, planEventEffects, type CatalogueIndex, type UserGoalProgress } from '@goals/domain';
import pg from 'pg';

/** The comparable part of a row: what the worker must get exactly right whatever its flush boundaries. */
export interface RowFacts {
  progress: number;
  status: string;
  /** Epoch ms: the event time that completed the goal, whatever the flush boundaries were. */
  completedAt: number | null;
  claimed: boolean;
}

/**
 * The test oracle: folds every event through the domain rules in memory, one
 * by one, with no buffering, batching or database. The worker's table must
 * equal this whatever happened to the worker on the way.
 */
export function foldEvents(catalogue: CatalogueIndex, lines: Iterable<string>): Map<string, RowFacts> {
  const rows = new Map<string, UserGoalProgress>();
  for (const line of lines) {
    const parsed = parseGameEventLine(line);
    if (!parsed.ok) continue;
    const plan = planEventEffects(catalogue, parsed.event);
    if (plan.outcome !== 'applied') continue;
    for (const effect of plan.effects) {
      const key = `${effect.userId}\u0000${effect.goalId}`;
      rows.set(key, applyGoalEffect(rows.get(key) ?? null, effect));
    }
  }
  return new Map([...rows].map(([key, row]) => [key, factsOf(row)]));
}

export async function readTable(connectionString: string): Promise<Map<string, RowFacts>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // epoch ms computed by the server: independent of the session TimeZone and of pg's Date parsing
    const result = await client.query<{ user_id: string; goal_id: string; progress: number; status: string; completed_ms: string | null; claimed: boolean }>(
      'SELECT user_id, goal_id, progress, status, (extract(epoch FROM completed_at) * 1000)::bigint::text AS completed_ms, claimed_at IS NOT NULL AS claimed FROM user_goal_progress',
    );
    return new Map(
      result.rows.map((r) => [`${r.user_id}\u0000${r.goal_id}`, { progress: r.progress, status: r.status, completedAt: r.completed_ms === null ? null : Number(r.completed_ms), claimed: r.claimed }]),
    );
  } finally {
    await client.end();
  }
}

/** Differences, readable in a failed assertion (at most `limit`). */
export function diffTables(expected: Map<string, RowFacts>, actual: Map<string, RowFacts>, limit = 10): string[] {
  const differences: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${key.replace('\u0000', '/')}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    if (differences.length >= limit) return differences;
  }
  for (const key of actual.keys()) {
    if (!expected.has(key)) differences.push(`${key.replace('\u0000', '/')}: unexpected row`);
    if (differences.length >= limit) break;
  }
  return differences;
}

function factsOf(row: UserGoalProgress): RowFacts {
  return { progress: row.progress, status: row.status, completedAt: row.completedAt?.getTime() ?? null, claimed: row.claimedAt !== null };
}
