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
export function planRounds<T extends RowKey>(items: readonly T[], coalesce?: (earlier: T, later: T) => T | undefined): readonly (readonly T[])[] {
  // The usual batch has unique keys: already in order (one pass, no copy), or
  // one O(n) sort (sortByRank).
  if (isStrictlyAscending(items)) return [items];
  const sorted = sortByRank(items);
  if (isStrictlyAscending(sorted)) return [sorted];

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

/**
 * compareKeys order without a comparator call per comparison: the distinct
 * user ids and goal ids (a flush has a few hundred of each) are sorted and
 * ranked, then two stable counting sorts — by goal rank, then by user rank —
 * order the rows in O(n). Stable, so duplicates keep their input order.
 */
function sortByRank<T extends RowKey>(items: readonly T[]): T[] {
  const n = items.length;
  const users = rank(items, 'userId');
  const goals = rank(items, 'goalId');
  const userRanks = new Int32Array(n);
  const goalRanks = new Int32Array(n);
  let lastUser: string | undefined;
  let lastUserRank = 0;
  for (let i = 0; i < n; i++) {
    const row = items[i] as T;
    if (row.userId !== lastUser) {
      lastUser = row.userId;
      lastUserRank = users.get(row.userId) as number;
    }
    userRanks[i] = lastUserRank;
    goalRanks[i] = goals.get(row.goalId) as number;
  }
  const byGoal = countingSort(identity(n), goalRanks, goals.size);
  const byKey = countingSort(byGoal, userRanks, users.size);
  const sorted = new Array<T>(n);
  for (let j = 0; j < n; j++) sorted[j] = items[byKey[j] as number] as T;
  return sorted;
}

/** `order` stably re-sorted by `ranks[index]` (0 ≤ rank < size). */
function countingSort(order: Int32Array, ranks: Int32Array, size: number): Int32Array {
  // next[r]: where the next index of rank r goes
  const next = new Int32Array(size + 1);
  for (let j = 0; j < order.length; j++) {
    const slot = (ranks[order[j] as number] as number) + 1;
    next[slot] = (next[slot] as number) + 1;
  }
  for (let r = 1; r <= size; r++) next[r] = (next[r] as number) + (next[r - 1] as number);
  const sorted = new Int32Array(order.length);
  for (let j = 0; j < order.length; j++) {
    const index = order[j] as number;
    const r = ranks[index] as number;
    sorted[next[r] as number] = index;
    next[r] = (next[r] as number) + 1;
  }
  return sorted;
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Each distinct value of the field → its position in code-unit order. */
function rank(items: readonly RowKey[], field: keyof RowKey): Map<string, number> {
  const ranks = new Map<string, number>();
  let last: string | undefined;
  for (let i = 0; i < items.length; i++) {
    const value = (items[i] as RowKey)[field];
    if (value === last) continue;
    last = value;
    ranks.set(value, 0);
  }
  const distinct = [...ranks.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < distinct.length; i++) ranks.set(distinct[i] as string, i);
  return ranks;
}

/** Sorted by key with no key twice. */
function isStrictlyAscending(items: readonly RowKey[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1] as RowKey;
    const b = items[i] as RowKey;
    if (a.userId === b.userId ? !(a.goalId < b.goalId) : !(a.userId < b.userId)) return false;
  }
  return true;
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
