import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { CatalogueIndex, parseCatalogue } from '@goals/domain';
import { createGoalRepository, type PostgresGoalRepository } from '@goals/prisma-repo';
import { afterAll, beforeAll } from 'vitest';

/**
 * One challenge with the three shapes a claim meets: a plain goal, one with a
 * prerequisite, and a daily goal (claimable once per UTC day).
 */
export const catalogue = new CatalogueIndex(
  parseCatalogue({
    challenges: [
      {
        id: 'season-1',
        name: 'Season 1',
        goals: [
          {
            id: 'kills-10',
            name: 'Ten kills',
            type: 'increment',
            eventSource: 'statistic',
            requirement: { statCode: 'enemy_kills', operator: '>=', targetValue: 10 },
            reward: { type: 'ITEM', rewardId: 'sword', quantity: 1 },
          },
          {
            id: 'boss',
            name: 'Beat the boss',
            type: 'absolute',
            eventSource: 'statistic',
            requirement: { statCode: 'bosses', operator: '>=', targetValue: 1 },
            reward: { type: 'WALLET', rewardId: 'gold', quantity: 100 },
            prerequisites: ['kills-10'],
          },
          {
            id: 'daily-login',
            name: 'Log in today',
            type: 'daily',
            eventSource: 'login',
            requirement: { statCode: 'login', operator: '>=', targetValue: 1 },
            reward: { type: 'WALLET', rewardId: 'coins', quantity: 5 },
          },
        ],
      },
    ],
  }),
);

export interface ClaimsFixture {
  database: TestDatabase;
  repository: PostgresGoalRepository;
}

/** One throw-away database per test file and a repository on it; tests keep apart by using their own user ids. */
export function useClaimsDatabase(): ClaimsFixture {
  const fixture = {} as ClaimsFixture;
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.repository = createGoalRepository({ connectionString: fixture.database.url, poolOptions: { max: 20 } });
  });
  afterAll(async () => {
    // beforeAll may have failed part way: clean up what exists
    const opened: Partial<ClaimsFixture> = fixture;
    await opened.repository?.close();
    await opened.database?.drop();
  });
  return fixture;
}

/** Writes a record in the given status for a goal of `catalogue`. */
export async function arrangeRecord(
  repository: PostgresGoalRepository,
  userId: string,
  goalId: string,
  status: 'not_started' | 'in_progress' | 'completed' | 'claimed',
): Promise<void> {
  const complete = status === 'completed' || status === 'claimed';
  await repository.upsertProgress({
    userId,
    goalId,
    challengeId: 'season-1',
    namespace: 'game',
    progress: complete ? 10 : status === 'in_progress' ? 3 : 0,
    status,
    completedAt: complete ? new Date('2024-05-01T12:00:00Z') : null,
  });
}
