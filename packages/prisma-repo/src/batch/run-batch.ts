import type { PgQueryable, QueryPlace } from '../connection/query-place.js';
import { copyIntoStaging } from '../sql/copy-into-staging.js';
import type { BatchKind, BatchSource } from './batch-kinds.js';

/** A merge statement of src/sql/: one round into user_goal_progress, from arrays or from the staging table. */
export type MergeStatement<T> = (db: PgQueryable, round: readonly T[], from: BatchSource) => Promise<void>;

/**
 * A batch already split into rounds of unique keys (plan-rounds.ts), run in
 * order: by UNNEST, one statement when there is one round (the usual case),
 * else all rounds in one transaction; or by COPY — each round copied into the
 * kind's staging table (emptied first if this transaction used it), then
 * merged by one statement — in one transaction.
 */
export async function runBatch<T>(
  place: QueryPlace,
  kind: BatchKind<T>,
  rounds: readonly (readonly T[])[],
  route: 'unnest' | 'copy',
  merge: MergeStatement<T>,
): Promise<void> {
  const [only] = rounds;
  if (route === 'unnest' && rounds.length === 1 && only !== undefined) {
    await merge(place.pg, only, 'arrays');
    return;
  }
  await place.atomic(async (transaction) => {
    for (const round of rounds) {
      if (route === 'unnest') {
        await merge(transaction.client, round, 'arrays');
        continue;
      }
      await transaction.prepareStaging(kind);
      await copyIntoStaging(transaction.client, kind, round);
      await merge(transaction.client, round, 'staging');
    }
  });
}
