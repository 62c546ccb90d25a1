import { isStorableTime, MAX_ID_LENGTH, MAX_PROGRESS } from '@goals/domain';
import type { AbsoluteProgressUpdate, DailyCompletion, ProgressIncrement, ProgressUpsert } from '@goals/domain';

/**
 * The batch validators' fast path: a tight loop that answers "every element is
 * certainly valid" without building a path string, an issue object or a
 * closure per row. It may say no to a valid element (an id with surrogate
 * pairs, say) but never yes to an invalid one; on no, the caller runs the
 * detailed checks (validate-inputs.ts), which decide and list every problem.
 *
 * Flush batches repeat the same ids row after row, so the last id accepted in
 * each column is remembered: an equal string needs no second look.
 */
export function allAbsoluteUpdatesValid(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  const ids = new KnownIds();
  for (let i = 0; i < items.length; i++) {
    const row = items[i] as AbsoluteProgressUpdate;
    if (!isRecord(row) || !ids.valid(row)) return false;
    if (!isInt(row.value, 0) || !isInt(row.targetValue, 1) || !isDate(row.at)) return false;
    if (row.reachedAt !== null && !isDate(row.reachedAt)) return false;
  }
  return true;
}

export function allIncrementsValid(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  const ids = new KnownIds();
  for (let i = 0; i < items.length; i++) {
    const row = items[i] as ProgressIncrement;
    if (!isRecord(row) || !ids.valid(row)) return false;
    if (!isInt(row.delta, 0) || !isInt(row.targetValue, 1) || typeof row.isDailyIncrement !== 'boolean') return false;
    if (row.at !== undefined && !isDate(row.at)) return false;
  }
  return true;
}

export function allDailyCompletionsValid(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  const ids = new KnownIds();
  for (let i = 0; i < items.length; i++) {
    const row = items[i] as DailyCompletion;
    if (!isRecord(row) || !ids.valid(row) || !isInt(row.targetValue, 1) || !isDate(row.at)) return false;
  }
  return true;
}

export function allUpsertsValid(items: unknown): boolean {
  if (!Array.isArray(items)) return false;
  const ids = new KnownIds();
  for (let i = 0; i < items.length; i++) {
    const row = items[i] as ProgressUpsert;
    if (!isRecord(row) || !ids.valid(row) || !isInt(row.progress, 0)) return false;
    const status: unknown = row.status;
    if (status !== 'not_started' && status !== 'in_progress' && status !== 'completed' && status !== 'claimed') return false;
    if (row.completedAt !== null && !isDate(row.completedAt)) return false;
    const claimedAt: unknown = row.claimedAt;
    if (claimedAt !== undefined && claimedAt !== null && (status !== 'claimed' || !isDate(claimedAt))) return false;
  }
  return true;
}

/** Equal to no input value: the seed of KnownIds. */
const NOTHING_YET: unique symbol = Symbol('nothing accepted yet');

/** The last accepted value of each id column of one batch. */
class KnownIds {
  #user: string | typeof NOTHING_YET = NOTHING_YET;
  #goal: string | typeof NOTHING_YET = NOTHING_YET;
  #challenge: string | typeof NOTHING_YET = NOTHING_YET;
  #namespace: string | typeof NOTHING_YET = NOTHING_YET;

  valid(row: { userId: unknown; goalId: unknown; challengeId: unknown; namespace: unknown }): boolean {
    if (row.userId !== this.#user) {
      if (!isPlainId(row.userId)) return false;
      this.#user = row.userId;
    }
    if (row.goalId !== this.#goal) {
      if (!isPlainId(row.goalId)) return false;
      this.#goal = row.goalId;
    }
    if (row.challengeId !== this.#challenge) {
      if (!isPlainId(row.challengeId)) return false;
      this.#challenge = row.challengeId;
    }
    if (row.namespace !== this.#namespace) {
      if (!isPlainId(row.namespace)) return false;
      this.#namespace = row.namespace;
    }
    return true;
  }
}

/**
 * Non-empty, at most MAX_ID_LENGTH UTF-16 units (so at most as many
 * characters), no U+0000 and no surrogate at all (pairs are legal, but the
 * detailed check decides those).
 */
const UNUSUAL = /[\u0000\uD800-\uDFFF]/;
function isPlainId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH && !UNUSUAL.test(value);
}

/** An integer in [min, INT max]: `| 0` keeps exactly the int32 integers. */
function isInt(value: unknown, min: number): boolean {
  return typeof value === 'number' && (value | 0) === value && value >= min && value <= MAX_PROGRESS;
}


function isDate(value: unknown): boolean {
  if (!(value instanceof Date)) return false;
  const time = value.getTime();
  return isStorableTime(time);
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
