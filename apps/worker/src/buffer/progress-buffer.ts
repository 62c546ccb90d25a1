import { MAX_PROGRESS, meetsRequirement, type EventImpact, type IndexedGoal } from '@goals/domain';
import type { AbsoluteProgressUpdate, DailyCompletion, DeadLetter, ProgressIncrement, SourcePositionMove } from '@goals/domain';

/**
 * The in-memory buffer between the source and the database.
 *
 * Events are aggregated per (userId, goalId) so that applying the aggregate
 * once gives the same row as applying every event in order:
 * - set (absolute): the last value wins; `reachedAt` remembers the first time
 *   the target was met inside the buffer, because completion is sticky even
 *   if a later value drops below the target.
 * - increment: each regular increment stays a separate write until the
 *   buffer's own running sum reaches the target — the stored progress is ≥ 0,
 *   so the write that completes the goal (and stamps completedAt with its
 *   event time) is among those — and every later delta is summed into one
 *   tail write (a sum that would pass the INT maximum starts a new write
 *   instead, which the repository refuses: never clamped). A daily increment counts at most
 *   once per UTC day, and only on a day later than every day already kept for
 *   the key (an earlier or equal day can never add, whatever the stored row
 *   holds).
 * - complete_daily: one completion per UTC day, same running-maximum rule.
 * A goal has one type, so one key only ever holds one kind of entry.
 *
 * Hot path: an S2 event touches 100 goals, so entries live in a per-user map
 * keyed by the goal's catalogue ordinal (no key strings built per goal), and
 * each entry *is* the repository's input row (no copy at flush time).
 *
 * The buffer also owns the source positions of the records it holds: a flush
 * stores them with the rows, in the same transaction (exactly-once).
 *
 * States: filling (records are added) → sealed (`seal()`, once: the entries,
 * their writes and the position moves are computed a single time and handed
 * to the flusher; adding after that is a bug and throws).
 */
interface EntryBase {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  targetValue: number;
  at: Date;
  /** Source partition and position of the last record that touched this key (for dead letters). */
  partition: string;
  position: bigint;
}

export interface SetEntry extends EntryBase, AbsoluteProgressUpdate {
  kind: 'set';
}

export interface IncrementEntry extends EntryBase, ProgressIncrement {
  kind: 'increment';
  at: Date;
  /** UTC day of the latest kept step. */
  day: string;
  /** Sum of every delta this entry holds (saturating): tells when the target may no longer be crossed. */
  cumulative: number;
  /** Writes after the entry's own, in order: later days (daily), or steps up to the target then one tail (regular). */
  laterDays: ProgressIncrement[] | null;
  /** Regular increments past the target: the write later deltas are summed into. */
  tail: ProgressIncrement | null;
}

export interface DailyEntry extends EntryBase, DailyCompletion {
  kind: 'complete_daily';
  day: string;
  laterDays: DailyCompletion[] | null;
}

export type BufferEntry = SetEntry | IncrementEntry | DailyEntry;

/** The database writes a set of entries turns into. */
export interface FlushBatch {
  absolute: AbsoluteProgressUpdate[];
  increments: ProgressIncrement[];
  dailyCompletions: DailyCompletion[];
}

/** What a flush writes, computed once from a full buffer: every retry and poison isolation work on this. */
export interface SealedBuffer {
  /** The aggregated entries: poison isolation bisects these. */
  readonly entries: readonly BufferEntry[];
  /** The writes of all entries (ProgressBuffer.toBatch of `entries`). */
  readonly batch: FlushBatch;
  readonly deadLetters: readonly DeadLetter[];
  /** One compare-and-set per partition the buffer's records advanced, from the last committed position. */
  readonly moves: readonly SourcePositionMove[];
  /** Source records the buffer accepted (applied, ignored or dead-lettered). */
  readonly recordCount: number;
}

/** What the moves are relative to: the source and the positions this worker last committed (null = none stored yet). */
export interface SealBase {
  source: string;
  committed: ReadonlyMap<string, bigint | null>;
  /** The source's content fingerprint, stored with its positions. */
  fingerprint?: string | undefined;
}

/**
 * Heap bytes one buffered row costs, for the byte bound: measured as the live
 * set of two full default buffers (≈ 100 MB for 2 × 50,000 rows, entry
 * objects, user maps, ids) rounded down, since ids are usually shared strings.
 */
export const ESTIMATED_ROW_BYTES = 500;
/** Fixed heap cost of one dead letter besides its strings. */
const DEAD_LETTER_OVERHEAD_BYTES = 300;

export class ProgressBuffer {
  readonly #users = new Map<string, Map<number, BufferEntry>>();
  readonly #positions = new Map<string, bigint>();
  readonly #checkpoints = new Map<string, string>();
  readonly #deadLetters: DeadLetter[] = [];
  #rows = 0;
  #records = 0;
  #deadLetterBytes = 0;
  #sealed = false;

  /** Rows to write (one per key, plus one per extra UTC day) plus dead letters: the row bound that triggers backpressure. */
  get size(): number {
    return this.#rows + this.#deadLetters.length;
  }

  /**
   * Estimated heap bytes the buffer holds (rows at ESTIMATED_ROW_BYTES, dead
   * letters by their strings at two bytes per UTF-16 unit): the byte bound
   * that triggers backpressure, so big malformed lines cannot exhaust memory
   * before the row bound is reached.
   */
  get bytes(): number {
    return this.#rows * ESTIMATED_ROW_BYTES + this.#deadLetterBytes;
  }

  get rowCount(): number {
    return this.#rows;
  }

  /** Source records accepted (applied, ignored or dead-lettered). */
  get recordCount(): number {
    return this.#records;
  }

  get positions(): ReadonlyMap<string, bigint> {
    return this.#positions;
  }

  /** The source's checkpoint of the last record per partition (stored with the position). */
  get checkpoints(): ReadonlyMap<string, string> {
    return this.#checkpoints;
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  *entries(): IterableIterator<BufferEntry> {
    for (const entries of this.#users.values()) yield* entries.values();
  }

  /** Records that the source advanced past a record, whatever its outcome. */
  advance(partition: string, position: bigint, checkpoint?: string): void {
    this.#assertFilling();
    this.#records += 1;
    this.#positions.set(partition, position);
    if (checkpoint === undefined) this.#checkpoints.delete(partition);
    else this.#checkpoints.set(partition, checkpoint);
  }

  addDeadLetter(letter: DeadLetter): void {
    this.#assertFilling();
    this.#deadLetters.push(letter);
    this.#deadLetterBytes += DEAD_LETTER_OVERHEAD_BYTES + 2 * (letter.payload.length + letter.reason.length + (letter.eventId?.length ?? 0));
  }

  /** Adds what one event does to each goal it touches. */
  addImpact(impact: EventImpact, partition: string, position: bigint): void {
    this.#assertFilling();
    let entries = this.#users.get(impact.userId);
    if (entries === undefined) {
      entries = new Map();
      this.#users.set(impact.userId, entries);
    }
    for (const goal of impact.goals) {
      const existing = entries.get(goal.ordinal);
      if (existing === undefined) {
        entries.set(goal.ordinal, newEntry(goal, impact, partition, position));
        this.#rows += 1;
        continue;
      }
      existing.partition = partition;
      existing.position = position;
      switch (existing.kind) {
        case 'set':
          existing.value = impact.value;
          existing.at = impact.at;
          if (existing.reachedAt === null && meetsRequirement(impact.value, existing.targetValue)) existing.reachedAt = impact.at;
          break;
        case 'increment':
          if (!existing.isDailyIncrement) {
            // a sum past the INT maximum is not folded (it would be clamped): its own row, which the repository refuses
            if (existing.tail !== null && existing.tail.delta + impact.delta <= MAX_PROGRESS) {
              existing.tail.delta += impact.delta;
              existing.tail.at = impact.at;
            } else {
              const step: ProgressIncrement = { ...targetOf(existing), delta: impact.delta, isDailyIncrement: false, at: impact.at };
              (existing.laterDays ??= []).push(step);
              this.#rows += 1;
              // once the buffer alone reaches the target, no later write can be the completing one
              if (existing.cumulative >= existing.targetValue) existing.tail = step;
            }
            existing.cumulative = Math.min(existing.cumulative + impact.delta, MAX_PROGRESS);
          } else if (impact.day > existing.day) {
            existing.day = impact.day;
            (existing.laterDays ??= []).push({ ...targetOf(existing), delta: impact.delta, isDailyIncrement: true, at: impact.at });
            this.#rows += 1; // one more row to write: counts toward the memory bound
          }
          break;
        case 'complete_daily':
          if (impact.day > existing.day) {
            existing.day = impact.day;
            (existing.laterDays ??= []).push({ ...targetOf(existing), at: impact.at });
            this.#rows += 1;
          }
          break;
      }
    }
  }

  /**
   * Ends filling: the entries, their writes and the position moves, computed
   * once. Call it when the flush starts (after the previous one committed),
   * since the moves start from the positions committed by then.
   */
  seal(base: SealBase): SealedBuffer {
    this.#assertFilling();
    this.#sealed = true;
    const entries = [...this.entries()];
    const moves = [...this.#positions].map(([partition, to]): SourcePositionMove => {
      const move: SourcePositionMove = { source: base.source, partition, from: base.committed.get(partition) ?? null, to };
      const checkpoint = this.#checkpoints.get(partition);
      if (checkpoint !== undefined) move.checkpoint = checkpoint;
      if (base.fingerprint !== undefined) move.fingerprint = base.fingerprint;
      return move;
    });
    return { entries, batch: ProgressBuffer.toBatch(entries), deadLetters: this.#deadLetters, moves, recordCount: this.#records };
  }

  #assertFilling(): void {
    if (this.#sealed) throw new Error('ProgressBuffer: sealed for its flush; records go into the next buffer');
  }

  /** The writes for a set of entries: all of a buffer's (once, at seal), or a subset while isolating poison. */
  static toBatch(entries: Iterable<BufferEntry>): FlushBatch {
    const batch: FlushBatch = { absolute: [], increments: [], dailyCompletions: [] };
    for (const entry of entries) {
      switch (entry.kind) {
        case 'set':
          batch.absolute.push(entry);
          break;
        case 'increment':
          batch.increments.push(entry);
          if (entry.laterDays !== null) batch.increments.push(...entry.laterDays);
          break;
        case 'complete_daily':
          batch.dailyCompletions.push(entry);
          if (entry.laterDays !== null) batch.dailyCompletions.push(...entry.laterDays);
          break;
      }
    }
    return batch;
  }
}

function newEntry(goal: IndexedGoal, impact: EventImpact, partition: string, position: bigint): BufferEntry {
  // literal objects of one fixed shape each: spreads here cost ~4 µs per row on the hot path (measured)
  const targetValue = goal.requirement.targetValue;
  switch (goal.effectKind) {
    case 'set':
      return {
        kind: 'set',
        userId: impact.userId,
        goalId: goal.id,
        challengeId: goal.challengeId,
        namespace: impact.namespace,
        targetValue,
        at: impact.at,
        partition,
        position,
        value: impact.value,
        reachedAt: meetsRequirement(impact.value, targetValue) ? impact.at : null,
      };
    case 'increment':
      return {
        kind: 'increment',
        userId: impact.userId,
        goalId: goal.id,
        challengeId: goal.challengeId,
        namespace: impact.namespace,
        targetValue,
        at: impact.at,
        partition,
        position,
        delta: impact.delta,
        isDailyIncrement: goal.daily,
        day: impact.day,
        cumulative: impact.delta,
        laterDays: null,
        tail: null,
      };
    case 'complete_daily':
      return {
        kind: 'complete_daily',
        userId: impact.userId,
        goalId: goal.id,
        challengeId: goal.challengeId,
        namespace: impact.namespace,
        targetValue,
        at: impact.at,
        partition,
        position,
        day: impact.day,
        laterDays: null,
      };
  }
}

function targetOf(entry: EntryBase) {
  return { userId: entry.userId, goalId: entry.goalId, challengeId: entry.challengeId, namespace: entry.namespace, targetValue: entry.targetValue };
}
