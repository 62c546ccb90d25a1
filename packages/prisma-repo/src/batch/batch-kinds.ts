import {
  statusForProgress,
  type AbsoluteProgressUpdate,
  type DailyCompletion,
  type GoalStatus,
  type ProgressIncrement,
  type ProgressUpsert,
} from '@goals/domain';
import { COPY_NULL, escapeCopyText } from '../copy/copy-text.js';
import { copyLineChunks } from '../copy/copy-text-chunks.js';

/**
 * The four batch kinds, each declared once as its columns. Everything that
 * depends on the column order is derived from that one list: the staging
 * table (COPY route), the UNNEST parameters and the column arrays (UNNEST
 * route), and the COPY text encoder — so the merge statements in src/sql/
 * read the same `s.<column>` from either route.
 *
 * Times travel as epoch milliseconds (int8), see sql/epoch-ms.ts.
 */

/** text → escaped text; int → decimal; epoch_ms → Date as epoch milliseconds (int8). */
type ColumnType = 'text' | 'int' | 'epoch_ms';
type ColumnValue = string | number | Date | null | undefined;

interface BatchColumn<T> {
  readonly name: string;
  readonly type: ColumnType;
  readonly value: (row: T) => ColumnValue;
}

export type BatchKindName = 'upsert' | 'absolute' | 'increment' | 'daily';

export interface BatchKind<T> {
  readonly name: BatchKindName;
  /** The session temp table of the COPY route (created once per connection). */
  readonly stagingTable: string;
  /** `CREATE TEMP TABLE IF NOT EXISTS …` */
  readonly stagingTableDefinition: string;
  /** `user_id, goal_id, …` */
  readonly columnNames: string;
  readonly columnCount: number;
  /** The FROM item of a merge statement: the staging table, or the same columns unnested from array parameters $1…$n. */
  source(from: BatchSource): string;
  /** One array per column, for the UNNEST parameters. */
  arrays(round: readonly T[]): unknown[];
  /** COPY text-format chunks of the rows, columns in the staging table's order. */
  copyChunks(round: readonly T[]): Generator<Buffer>;
}

/** `arrays`: UNNEST of the column arrays; `staging`: the staging table a COPY filled. */
export type BatchSource = 'arrays' | 'staging';

const SQL_TYPES: Record<ColumnType, string> = { text: 'text', int: 'int', epoch_ms: 'int8' };

function declareBatchKind<T>(name: BatchKindName, columns: readonly BatchColumn<T>[]): BatchKind<T> {
  const stagingTable = `goals_${name}_staging`;
  const columnNames = columns.map((c) => c.name).join(', ');
  const unnest = `unnest(${columns.map((c, i) => `$${i + 1}::${SQL_TYPES[c.type]}[]`).join(', ')}) AS s(${columnNames})`;
  const arrayValue = columns.map((c) => (c.type === 'epoch_ms' ? epochMsOrNull : identity));
  return {
    name,
    stagingTable,
    stagingTableDefinition: `CREATE TEMP TABLE IF NOT EXISTS ${stagingTable} (${columns.map((c) => `${c.name} ${SQL_TYPES[c.type]}`).join(', ')}) ON COMMIT DELETE ROWS;`,
    columnNames,
    columnCount: columns.length,
    source: (from) => (from === 'staging' ? `pg_temp.${stagingTable} AS s` : unnest),
    arrays(round) {
      const n = round.length;
      const arrays = columns.map(() => new Array<unknown>(n));
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as BatchColumn<T>;
        const out = arrays[c] as unknown[];
        const encode = arrayValue[c] as (value: ColumnValue) => unknown;
        for (let i = 0; i < n; i++) out[i] = encode(column.value(round[i] as T));
      }
      return arrays;
    },
    copyChunks(round) {
      // fresh per call: each remembers the last value it encoded (see copyFieldEncoder)
      const encoders = columns.map((c) => copyFieldEncoder(c.type));
      const values = columns.map((c) => c.value);
      const width = columns.length;
      return copyLineChunks(round, (row) => {
        let line = (encoders[0] as FieldEncoder)((values[0] as (row: T) => ColumnValue)(row));
        for (let c = 1; c < width; c++) line += '\t' + (encoders[c] as FieldEncoder)((values[c] as (row: T) => ColumnValue)(row));
        return line;
      });
    },
  };
}

type FieldEncoder = (value: ColumnValue) => string;

/**
 * One column's COPY text encoder. Flush batches repeat values row after row
 * (a user's rows are adjacent once sorted, one event's rows share its Date
 * object), so the last value is remembered with its encoding and compared
 * first (identity, so a Date is re-encoded only when it is another object).
 */
function copyFieldEncoder(type: ColumnType): FieldEncoder {
  let last: ColumnValue = undefined;
  let lastText = COPY_NULL;
  return (value) => {
    if (value === last) return lastText;
    last = value;
    if (value === null || value === undefined) lastText = COPY_NULL;
    else if (type === 'text') lastText = escapeCopyText(value as string);
    else if (type === 'int') lastText = String(value);
    else lastText = String((value as Date).getTime());
    return lastText;
  };
}

function epochMsOrNull(value: ColumnValue): number | null {
  return value === null || value === undefined ? null : (value as Date).getTime();
}

function identity(value: ColumnValue): unknown {
  return value;
}

interface GoalRow {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
}

function keyColumns<T extends GoalRow>(): BatchColumn<T>[] {
  return [
    { name: 'user_id', type: 'text', value: (r) => r.userId },
    { name: 'goal_id', type: 'text', value: (r) => r.goalId },
    { name: 'challenge_id', type: 'text', value: (r) => r.challengeId },
    { name: 'namespace', type: 'text', value: (r) => r.namespace },
  ];
}

/** Overwrites (batchUpsertProgress, batchUpsertProgressWithCopy). */
export const UPSERT_BATCH = declareBatchKind<ProgressUpsert>('upsert', [
  ...keyColumns<ProgressUpsert>(),
  { name: 'progress', type: 'int', value: (p) => p.progress },
  { name: 'status', type: 'text', value: (p) => p.status },
  { name: 'completed_ms', type: 'epoch_ms', value: (p) => p.completedAt },
  { name: 'claimed_ms', type: 'epoch_ms', value: (p) => p.claimedAt },
]);

/**
 * Absolute values (batchApplyAbsolute). The client computes the status of the
 * value itself and its completedAt; the statement keeps an existing
 * completion (stickiness).
 */
export const ABSOLUTE_BATCH = declareBatchKind<AbsoluteProgressUpdate>('absolute', [
  ...keyColumns<AbsoluteProgressUpdate>(),
  { name: 'value', type: 'int', value: (u) => u.value },
  { name: 'status', type: 'text', value: absoluteStatus },
  { name: 'completed_ms', type: 'epoch_ms', value: (u) => (absoluteStatus(u) === 'completed' ? (u.reachedAt ?? u.at) : null) },
  { name: 'at_ms', type: 'epoch_ms', value: (u) => u.at },
]);

function absoluteStatus(u: AbsoluteProgressUpdate): GoalStatus {
  return u.reachedAt !== null ? 'completed' : statusForProgress(u.value, u.targetValue);
}

/** Increments (batchIncrementProgress): the status is the new row's; at_ms null = the database clock. */
export const INCREMENT_BATCH = declareBatchKind<ProgressIncrement>('increment', [
  ...keyColumns<ProgressIncrement>(),
  { name: 'delta', type: 'int', value: (inc) => inc.delta },
  { name: 'status', type: 'text', value: (inc) => statusForProgress(inc.delta, inc.targetValue) },
  { name: 'at_ms', type: 'epoch_ms', value: (inc) => inc.at },
]);

/** Daily completions (batchCompleteDaily). */
export const DAILY_BATCH = declareBatchKind<DailyCompletion>('daily', [
  ...keyColumns<DailyCompletion>(),
  { name: 'at_ms', type: 'epoch_ms', value: (c) => c.at },
]);

export const BATCH_KINDS: readonly BatchKind<never>[] = [UPSERT_BATCH, ABSOLUTE_BATCH, INCREMENT_BATCH, DAILY_BATCH];
