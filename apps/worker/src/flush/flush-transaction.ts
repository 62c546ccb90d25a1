import type { DeadLetter, GoalRepository, LedgeredGoalRepository, LeaseFence, SourceLedger, SourcePositionMove } from '@goals/domain';
import type { FlushBatch } from '../buffer/progress-buffer.js';

/** What a flush writes besides its positions. */
export interface FlushRows {
  batch: FlushBatch;
  deadLetters: readonly DeadLetter[];
}

/** Where a flush moves its positions, and (for a shared partition) the lease it must still hold. */
export interface FlushPositions {
  moves: readonly SourcePositionMove[];
  lease?: LeaseFence | undefined;
}

/**
 * One flush is one transaction of three steps, in this order:
 *
 * 1. **write rows**: progress rows (absolute, increments, daily completions)
 *    and dead letters;
 * 2. **fence**: a partition shared through leases locks its lease row
 *    (FOR UPDATE) and checks it still names this worker at the epoch it
 *    acquired; LeaseLostError otherwise, and the whole transaction — rows
 *    included — rolls back;
 * 3. **move positions**: compare-and-set from the position last committed
 *    (SourcePositionConflictError when another consumer moved it).
 *
 * The fence comes after the rows on purpose: the lease row stays locked only
 * from there to COMMIT, so a lease renewal (an UPDATE of that row) never
 * queues behind a whole flush's writes; the transaction commits all of it or
 * nothing, so where the check sits inside it does not change what commits.
 * Rows go through the GoalRepository port, dead letters, the fence and the
 * positions through the SourceLedger port, in one LedgerTransaction.
 * Steps 2 and 3 are one ledger call per partition
 * (`advanceSourcePosition` with `lease`: prisma-repo's lock-partition-lease
 * statement, the check, then the compare-and-set), named here as what they are.
 */
export async function commitFlushTransaction(repository: LedgeredGoalRepository, rows: FlushRows, positions: FlushPositions): Promise<void> {
  await repository.withTransaction(async (tx) => {
    await writeProgressRows(tx, rows.batch);
    await tx.recordDeadLetters(rows.deadLetters);
    await fenceAndMovePositions(tx, positions);
  });
}

/** Step 1 (also a poison-isolation trial, rolled back). */
export async function writeProgressRows(repository: GoalRepository, batch: FlushBatch): Promise<void> {
  // absolute, increment and daily rows never share a key (a goal has one type), so order is free
  await repository.batchApplyAbsolute(batch.absolute);
  await repository.batchIncrementProgress(batch.increments);
  await repository.batchCompleteDaily(batch.dailyCompletions);
}

/** Steps 2 and 3: the fence (when leased) and the compare-and-set, partition by partition. */
async function fenceAndMovePositions(repository: SourceLedger, { moves, lease }: FlushPositions): Promise<void> {
  for (const move of moves) await repository.advanceSourcePosition(lease === undefined ? move : { ...move, lease });
}
