/**
 * The session temp tables the COPY paths write into, one per batch kind so one
 * transaction (the worker's flush) can use several without truncating. The
 * columns are the UNNEST sources' columns, so each merge statement is written
 * once for both sources. Times are epoch milliseconds (see epoch-ms.ts).
 */
export const STAGING_TABLES = {
  upsert: {
    name: 'goals_upsert_staging',
    columns: 'user_id text, goal_id text, challenge_id text, namespace text, progress int, status text, completed_ms int8, claimed_ms int8',
  },
  absolute: {
    name: 'goals_absolute_staging',
    columns: 'user_id text, goal_id text, challenge_id text, namespace text, value int, status text, completed_ms int8, at_ms int8',
  },
  increment: {
    name: 'goals_increment_staging',
    columns: 'user_id text, goal_id text, challenge_id text, namespace text, delta int, status text, at_ms int8',
  },
  daily: {
    name: 'goals_daily_staging',
    columns: 'user_id text, goal_id text, challenge_id text, namespace text, at_ms int8',
  },
} as const;

export type StagingTable = keyof typeof STAGING_TABLES;

/** `user_id, goal_id, …` — the column names without types. */
export function stagingColumnNames(table: StagingTable): string {
  return STAGING_TABLES[table].columns.split(', ').map((c) => c.split(' ')[0]).join(', ');
}

/** `$1::text[], $2::text[], …` for the same columns as UNNEST parameters. */
export function unnestParameters(table: StagingTable, firstParameter = 1): string {
  return STAGING_TABLES[table].columns
    .split(', ')
    .map((c, i) => `$${firstParameter + i}::${c.split(' ')[1]}[]`)
    .join(', ');
}

/** The FROM item of a merge statement: the staging table, or the same columns unnested from arrays. */
export function batchSource(table: StagingTable, from: 'staging' | 'arrays'): string {
  return from === 'staging'
    ? `pg_temp.${STAGING_TABLES[table].name} AS s`
    : `unnest(${unnestParameters(table)}) AS s(${stagingColumnNames(table)})`;
}
