import { meetsRequirement, utcDay, type GoalEffect, type GoalTarget } from '@goals/domain';
import type { AbsoluteProgressUpdate, DailyCompletion, DeadLetter, ProgressIncrement } from '@goals/prisma-repo';

/**
 * The in-memory buffer between the source and the database.
 *
 * Effects are aggregated per (userId, goalId) so that applying the aggregate
 * once gives the same row as applying every effect in order:
 * - set (absolute): the last value wins; `reachedAt` remembers the first time
 *   the target was met inside the buffer, because completion is sticky even
 *   if a later value drops below the target.
 * - increment: regular deltas add up; a daily increment counts at most once
 *   per UTC day, and only on a day later than every day already seen for the
 *   key (an earlier-or-same day can never add, whatever the row holds).
 * - complete_daily: one completion per UTC day, same running-maximum rule.
 * A goal has one type, so one key only ever holds one kind of effect.
 *
 * The buffer also owns the source positions of the records it holds: a flush
 * stores them with the rows, in the same transaction (exactly-once).
 */
export interface BufferedOrigin {
  /** Source partition and position of the last record that touched this key. */
  partition: string;
  position: bigint;
}

interface SetEntry extends GoalTarget, BufferedOrigin {
  kind: 'set';
  value: number;
  at: Date;
  reachedAt: Date | null;
  events: number;
}

interface IncrementEntry extends GoalTarget, BufferedOrigin {
  kind: 'increment';
  daily: boolean;
  /** Regular increments: one element with the summed delta. Daily: one per UTC day, in increasing day order. */
  steps: { delta: number; at: Date; day: string }[];
  events: number;
}

interface DailyEntry extends GoalTarget, BufferedOrigin {
  kind: 'complete_daily';
  completions: { at: Date; day: string }[];
  events: number;
}

export type BufferEntry = SetEntry | IncrementEntry | DailyEntry;

/** The database writes one buffer turns into; `entries` keeps each write's origin for poison isolation. */
export interface FlushBatch {
  absolute: AbsoluteProgressUpdate[];
  increments: ProgressIncrement[];
  dailyCompletions: DailyCompletion[];
}

const MAX_INT = 2_147_483_647;

export class ProgressBuffer {
  readonly #entries = new Map<string, BufferEntry>();
  readonly #positions = new Map<string, bigint>();
  readonly #deadLetters: DeadLetter[] = [];
  #events = 0;

  /** Distinct (userId, goalId) rows plus dead letters held: the bound that triggers backpressure. */
  get size(): number {
    return this.#entries.size + this.#deadLetters.length;
  }

  get rowCount(): number {
    return this.#entries.size;
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters;
  }

  addDeadLetter(letter: DeadLetter): void {
    this.#deadLetters.push(letter);
  }

  /** Source records accepted since the buffer was created (applied, ignored or dead-lettered). */
  get recordCount(): number {
    return this.#events;
  }

  get positions(): ReadonlyMap<string, bigint> {
    return this.#positions;
  }

  entries(): IterableIterator<BufferEntry> {
    return this.#entries.values();
  }

  /** Records that the source advanced past a record (whatever its outcome). */
  advance(partition: string, position: bigint): void {
    this.#events += 1;
    this.#positions.set(partition, position);
  }

  add(effect: GoalEffect, origin: BufferedOrigin): void {
    const key = `${effect.userId}\u0000${effect.goalId}`;
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing.kind !== effect.kind) {
      throw new Error(`goal ${effect.goalId} received a ${effect.kind} effect after a ${existing.kind} one; a goal has one type`);
    }
    switch (effect.kind) {
      case 'set': {
        const reached = meetsRequirement(effect.value, effect.targetValue) ? effect.at : null;
        if (existing === undefined) {
          this.#entries.set(key, { ...targetOf(effect), ...origin, kind: 'set', value: effect.value, at: effect.at, reachedAt: reached, events: 1 });
        } else {
          const entry = existing as SetEntry;
          entry.value = effect.value;
          entry.at = effect.at;
          entry.reachedAt ??= reached;
          setOrigin(entry, origin);
        }
        return;
      }
      case 'increment': {
        const day = utcDay(effect.at);
        if (existing === undefined) {
          this.#entries.set(key, { ...targetOf(effect), ...origin, kind: 'increment', daily: effect.daily, steps: [{ delta: effect.delta, at: effect.at, day }], events: 1 });
          return;
        }
        const entry = existing as IncrementEntry;
        setOrigin(entry, origin);
        const last = entry.steps[entry.steps.length - 1];
        if (last === undefined) throw new Error('increment entry without steps');
        if (!effect.daily) {
          last.delta = Math.min(last.delta + effect.delta, MAX_INT);
          last.at = effect.at;
          last.day = day;
        } else if (day > last.day) {
          entry.steps.push({ delta: effect.delta, at: effect.at, day });
        }
        return;
      }
      case 'complete_daily': {
        const day = utcDay(effect.at);
        if (existing === undefined) {
          this.#entries.set(key, { ...targetOf(effect), ...origin, kind: 'complete_daily', completions: [{ at: effect.at, day }], events: 1 });
          return;
        }
        const entry = existing as DailyEntry;
        setOrigin(entry, origin);
        const last = entry.completions[entry.completions.length - 1];
        if (last !== undefined && day > last.day) entry.completions.push({ at: effect.at, day });
        return;
      }
    }
  }

  /** The writes for every entry, or for a subset (poison isolation). */
  static toBatch(entries: Iterable<BufferEntry>): FlushBatch {
    const batch: FlushBatch = { absolute: [], increments: [], dailyCompletions: [] };
    for (const entry of entries) {
      const target = targetOf(entry);
      switch (entry.kind) {
        case 'set':
          batch.absolute.push({ ...target, value: entry.value, at: entry.at, reachedAt: entry.reachedAt });
          break;
        case 'increment':
          for (const step of entry.steps) batch.increments.push({ ...target, delta: step.delta, isDailyIncrement: entry.daily, at: step.at });
          break;
        case 'complete_daily':
          for (const completion of entry.completions) batch.dailyCompletions.push({ ...target, at: completion.at });
          break;
      }
    }
    return batch;
  }
}

function targetOf(effect: GoalTarget): GoalTarget {
  return { userId: effect.userId, goalId: effect.goalId, challengeId: effect.challengeId, namespace: effect.namespace, targetValue: effect.targetValue };
}

function setOrigin(entry: BufferEntry, origin: BufferedOrigin): void {
  entry.partition = origin.partition;
  entry.position = origin.position;
  entry.events += 1;
}
