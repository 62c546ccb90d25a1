import { statusForProgress, type GoalStatus } from '@goals/domain';
import { CopyRowText, NULL } from '../copy/copy-row-text.js';
import { copyLineChunks } from '../copy/copy-text-chunks.js';
import type { AbsoluteProgressUpdate, DailyCompletion, ProgressIncrement, ProgressUpsert } from '@goals/domain';
import type { IncrementTargets } from '../sql/batch-increment-progress.js';

/**
 * One round of a batch (unique keys, in lock order) as what the statements
 * take: column arrays for UNNEST, or COPY text chunks for a staging table —
 * the same columns in the same order (sql/staging-tables.ts). One pass over
 * the rows each; times as epoch milliseconds.
 */

export function absoluteColumns(round: readonly AbsoluteProgressUpdate[]): unknown[] {
  const n = round.length;
  const [users, goals, challenges, namespaces] = keyColumns(n);
  const values = new Array<number>(n);
  const statuses = new Array<GoalStatus>(n);
  const completedMs = new Array<number | null>(n);
  const atMs = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const u = round[i] as AbsoluteProgressUpdate;
    users[i] = u.userId;
    goals[i] = u.goalId;
    challenges[i] = u.challengeId;
    namespaces[i] = u.namespace;
    values[i] = u.value;
    const status = absoluteStatus(u);
    statuses[i] = status;
    completedMs[i] = status === 'completed' ? (u.reachedAt ?? u.at).getTime() : null;
    atMs[i] = u.at.getTime();
  }
  return [users, goals, challenges, namespaces, values, statuses, completedMs, atMs];
}

export function absoluteCopyChunks(round: readonly AbsoluteProgressUpdate[]): Generator<Buffer> {
  const text = new CopyRowText();
  return copyLineChunks(round, (u) => {
    const status = absoluteStatus(u);
    const completed = status === 'completed' ? text.epochMs(u.reachedAt ?? u.at) : NULL;
    return `${text.goalKey(u)}\t${u.value}\t${status}\t${completed}\t${text.epochMs(u.at)}`;
  });
}

/** The status of the value itself; the statement keeps an existing completion (stickiness). */
function absoluteStatus(u: AbsoluteProgressUpdate): GoalStatus {
  return u.reachedAt !== null ? 'completed' : statusForProgress(u.value, u.targetValue);
}

export function incrementColumns(round: readonly ProgressIncrement[]): unknown[] {
  const n = round.length;
  const [users, goals, challenges, namespaces] = keyColumns(n);
  const deltas = new Array<number>(n);
  const statuses = new Array<GoalStatus>(n);
  const atMs = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const inc = round[i] as ProgressIncrement;
    users[i] = inc.userId;
    goals[i] = inc.goalId;
    challenges[i] = inc.challengeId;
    namespaces[i] = inc.namespace;
    deltas[i] = inc.delta;
    statuses[i] = statusForProgress(inc.delta, inc.targetValue);
    atMs[i] = inc.at === undefined ? null : inc.at.getTime();
  }
  return [users, goals, challenges, namespaces, deltas, statuses, atMs];
}

export function incrementCopyChunks(round: readonly ProgressIncrement[]): Generator<Buffer> {
  const text = new CopyRowText();
  return copyLineChunks(
    round,
    (inc) => `${text.goalKey(inc)}\t${inc.delta}\t${statusForProgress(inc.delta, inc.targetValue)}\t${text.epochMs(inc.at)}`,
  );
}

/**
 * Target and daily flag of every row, for the update branch (see
 * sql/batch-increment-progress.ts): per goal when all of the goal's rows agree,
 * per key otherwise.
 */
export function incrementTargets(round: readonly ProgressIncrement[]): IncrementTargets {
  const byGoal = new Map<string, [number, boolean] | null>();
  let disagreements = false;
  for (let i = 0; i < round.length; i++) {
    const inc = round[i] as ProgressIncrement;
    const known = byGoal.get(inc.goalId);
    if (known === undefined) byGoal.set(inc.goalId, [inc.targetValue, inc.isDailyIncrement]);
    else if (known !== null && (known[0] !== inc.targetValue || known[1] !== inc.isDailyIncrement)) {
      byGoal.set(inc.goalId, null);
      disagreements = true;
    }
  }
  const goalJson: Record<string, [number, boolean]> = Object.create(null) as Record<string, [number, boolean]>;
  for (const [goalId, target] of byGoal) if (target !== null) goalJson[goalId] = target;
  const keyJson: Record<string, Record<string, [number, boolean]>> = Object.create(null) as Record<string, Record<string, [number, boolean]>>;
  if (disagreements) {
    for (const inc of round) {
      if (byGoal.get(inc.goalId) !== null) continue;
      const goalsOfUser = (keyJson[inc.userId] ??= Object.create(null) as Record<string, [number, boolean]>);
      goalsOfUser[inc.goalId] = [inc.targetValue, inc.isDailyIncrement];
    }
  }
  return { byGoal: JSON.stringify(goalJson), byKey: JSON.stringify(keyJson) };
}

export function dailyColumns(round: readonly DailyCompletion[]): unknown[] {
  const n = round.length;
  const [users, goals, challenges, namespaces] = keyColumns(n);
  const atMs = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const c = round[i] as DailyCompletion;
    users[i] = c.userId;
    goals[i] = c.goalId;
    challenges[i] = c.challengeId;
    namespaces[i] = c.namespace;
    atMs[i] = c.at.getTime();
  }
  return [users, goals, challenges, namespaces, atMs];
}

export function dailyCopyChunks(round: readonly DailyCompletion[]): Generator<Buffer> {
  const text = new CopyRowText();
  return copyLineChunks(round, (c) => `${text.goalKey(c)}\t${text.epochMs(c.at)}`);
}

export function upsertColumns(round: readonly ProgressUpsert[]): unknown[] {
  const n = round.length;
  const [users, goals, challenges, namespaces] = keyColumns(n);
  const progress = new Array<number>(n);
  const statuses = new Array<GoalStatus>(n);
  const completedMs = new Array<number | null>(n);
  const claimedMs = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const p = round[i] as ProgressUpsert;
    users[i] = p.userId;
    goals[i] = p.goalId;
    challenges[i] = p.challengeId;
    namespaces[i] = p.namespace;
    progress[i] = p.progress;
    statuses[i] = p.status;
    completedMs[i] = p.completedAt === null ? null : p.completedAt.getTime();
    claimedMs[i] = p.claimedAt === undefined || p.claimedAt === null ? null : p.claimedAt.getTime();
  }
  return [users, goals, challenges, namespaces, progress, statuses, completedMs, claimedMs];
}

export function upsertCopyChunks(round: readonly ProgressUpsert[]): Generator<Buffer> {
  const text = new CopyRowText();
  return copyLineChunks(
    round,
    (p) => `${text.goalKey(p)}\t${p.progress}\t${p.status}\t${text.epochMs(p.completedAt)}\t${text.epochMs(p.claimedAt)}`,
  );
}

function keyColumns(n: number): [string[], string[], string[], string[]] {
  return [new Array<string>(n), new Array<string>(n), new Array<string>(n), new Array<string>(n)];
}
