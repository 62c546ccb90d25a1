/**
 * Splits a batch into rounds of unique keys, so that running the rounds in
 * order gives exactly the result of calling the single-row method for each
 * element in order. One ON CONFLICT DO UPDATE statement may touch a row only
 * once (PostgreSQL rejects a second touch), and a row's result depends only on
 * its own elements' order, so round k holds the k-th remaining element of
 * every key. `coalesce(earlier, later)` may fold two consecutive elements of
 * one key into one when that is provably the same result (see each caller);
 * it returns undefined otherwise.
 *
 * Every round is sorted by key: all writers lock rows in one global order, so
 * concurrent batches over the same keys cannot deadlock. Later rounds only
 * touch keys of the first round, whose locks the transaction already holds.
 */
export function planRounds<T extends RowKey>(items: readonly T[], coalesce?: (earlier: T, later: T) => T | undefined): T[][] {
  // The usual batch has unique keys: one sort, one pass, one round.
  const sorted = [...items].sort(compareKeys);
  let unique = true;
  for (let i = 1; i < sorted.length && unique; i++) unique = compareKeys(sorted[i - 1] as T, sorted[i] as T) !== 0;
  if (unique) return [sorted];

  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.userId}\u0000${item.goalId}`;
    const sequence = byKey.get(key);
    if (sequence === undefined) {
      byKey.set(key, [item]);
      continue;
    }
    const last = sequence[sequence.length - 1];
    const folded = last !== undefined && coalesce !== undefined ? coalesce(last, item) : undefined;
    if (folded !== undefined) sequence[sequence.length - 1] = folded;
    else sequence.push(item);
  }
  const rounds: T[][] = [];
  for (const sequence of byKey.values()) {
    sequence.forEach((item, round) => (rounds[round] ??= []).push(item));
  }
  for (const round of rounds) round.sort(compareKeys);
  return rounds;
}

export interface RowKey {
  userId: string;
  goalId: string;
}

/** Any fixed total order works; UTF-16 code-unit order needs no collation. */
export function compareKeys(a: RowKey, b: RowKey): number {
  if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
  if (a.goalId !== b.goalId) return a.goalId < b.goalId ? -1 : 1;
  return 0;
}
