import { MAX_PROGRESS, utcDay, type DailyCompletion, type ProgressIncrement, type ProgressUpsert } from '@goals/domain';

/**
 * When two consecutive elements of one key in a batch provably give the same
 * result as one element, planRounds folds them (fewer rounds); undefined =
 * keep both.
 */

/**
 * Two upserts of one key: the later one overwrites everything the earlier one
 * wrote (defaults use the same transaction clock), unless the earlier one
 * claimed the record — then the later one must be ignored, so keep both.
 * The row keeps the first element's challenge and namespace, as it would.
 */
export function lastUpsertWins(earlier: ProgressUpsert, later: ProgressUpsert): ProgressUpsert | undefined {
  if (earlier.status === 'claimed') return undefined;
  return { ...later, challengeId: earlier.challengeId, namespace: earlier.namespace };
}

/**
 * Consecutive increments of one key that provably equal one increment:
 * - regular ones with the same target and time add up (the status test is
 *   monotonic in progress, so completing after the first or the second gives
 *   the same status and the same completedAt) — unless the sum passes the INT
 *   maximum: then both stay, and the statement refuses the batch;
 * - a daily one after a daily one of the same UTC day never counts.
 */
export function foldIncrements(earlier: ProgressIncrement, later: ProgressIncrement): ProgressIncrement | undefined {
  const sameTime = earlier.at === undefined ? later.at === undefined : later.at !== undefined && earlier.at.getTime() === later.at.getTime();
  const sum = earlier.delta + later.delta;
  if (!earlier.isDailyIncrement && !later.isDailyIncrement && earlier.targetValue === later.targetValue && sameTime && sum <= MAX_PROGRESS) {
    return { ...earlier, delta: sum };
  }
  const sameDay =
    earlier.at === undefined ? later.at === undefined : later.at !== undefined && utcDay(earlier.at) === utcDay(later.at);
  if (earlier.isDailyIncrement && later.isDailyIncrement && sameDay) return earlier;
  return undefined;
}

/** A second completion of one daily goal on the same UTC day changes nothing. */
export function foldSameDayCompletions(earlier: DailyCompletion, later: DailyCompletion): DailyCompletion | undefined {
  return utcDay(earlier.at) === utcDay(later.at) ? earlier : undefined;
}
