import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRootDir } from '../src/repository-paths.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { readSchemaModels, type SchemaColumn } from './support/prisma-schema-models.js';

interface ExpectedColumn {
  readonly dataType: string;
  readonly maxLength: number | null;
  readonly precision: number | null;
}

/** What PostgreSQL's information_schema reports for a Prisma field, per Prisma's postgresql mapping. */
function expectedColumn(column: SchemaColumn): ExpectedColumn {
  const native = column.nativeType;
  const varchar = native ? /^VarChar\((\d+)\)$/.exec(native) : null;
  const timestamptz = native ? /^Timestamptz\((\d+)\)$/.exec(native) : null;
  switch (column.prismaType) {
    case 'String':
      if (varchar?.[1]) return { dataType: 'character varying', maxLength: Number(varchar[1]), precision: null };
      if (native === undefined) return { dataType: 'text', maxLength: null, precision: null };
      break;
    case 'Int':
      if (native === undefined) return { dataType: 'integer', maxLength: null, precision: null };
      break;
    case 'BigInt':
      if (native === undefined) return { dataType: 'bigint', maxLength: null, precision: null };
      break;
    case 'DateTime':
      if (timestamptz?.[1]) return { dataType: 'timestamp with time zone', maxLength: null, precision: Number(timestamptz[1]) };
      if (native === 'Date') return { dataType: 'date', maxLength: null, precision: null };
      break;
  }
  throw new Error(`no expectation for ${column.field}: ${column.prismaType} @db.${native ?? ''}`);
}

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url });
  // pool.end() resolves before its connections have closed; drop() then terminates them
  pool.on('error', () => {});
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('the migrated database matches prisma/schema.prisma', async () => {
  const models = await readSchemaModels(path.join(repositoryRootDir(), 'prisma', 'schema.prisma'));

  it('declares every table', () => {
    expect(models.map((model) => model.table).sort()).toEqual([
      'dead_letters', 'partition_leases', 'reporting_daily_counts', 'reporting_goal_counts', 'reporting_namespace_players', 'reporting_players', 'reporting_snapshot', 'source_positions', 'user_goal_progress', 'worker_heartbeats',
    ]);
  });

  for (const model of models) {
    it(`${model.name} → ${model.table}: every column with its type and nullability, and no others`, async () => {
      const { rows } = await pool.query<{
        column_name: string;
        data_type: string;
        character_maximum_length: number | null;
        datetime_precision: number | null;
        is_nullable: 'YES' | 'NO';
      }>(
        `SELECT column_name, data_type, character_maximum_length, datetime_precision, is_nullable
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1`,
        [model.table],
      );
      const actual = Object.fromEntries(
        rows.map((row) => [
          row.column_name,
          {
            dataType: row.data_type,
            maxLength: row.character_maximum_length,
            precision: row.data_type.startsWith('timestamp') ? row.datetime_precision : null,
            nullable: row.is_nullable === 'YES',
          },
        ]),
      );
      const expected = Object.fromEntries(
        model.columns.map((column) => [column.column, { ...expectedColumn(column), nullable: column.optional }]),
      );
      expect(actual).toEqual(expected);
    });
  }
});

describe('constraints the Prisma schema cannot express', () => {
  const validRow = {
    user_id: 'u1',
    goal_id: 'g1',
    challenge_id: 'c1',
    namespace: 'ns',
    progress: 0,
    status: 'in_progress',
    completed_at: null as Date | null,
    claimed_at: null as Date | null,
  };

  async function insertProgress(row: typeof validRow): Promise<void> {
    const client = await pool.connect();
    try {
      // Each attempt rolls back, so one valid row can be retried with one field broken.
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [row.user_id, row.goal_id, row.challenge_id, row.namespace, row.progress, row.status, row.completed_at, row.claimed_at],
      );
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('accepts a valid row and applies the defaults', async () => {
    await expect(insertProgress(validRow)).resolves.toBeUndefined();
    await pool.query(`INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace) VALUES ('u', 'g', 'c', 'n')`);
    const { rows } = await pool.query(`SELECT progress, status, created_at, updated_at FROM user_goal_progress`);
    expect(rows[0]).toMatchObject({ progress: 0, status: 'not_started' });
    expect(rows[0].created_at).toBeInstanceOf(Date);
  });

  it.each([
    ['an unknown status', { status: 'done' }, 'user_goal_progress_status_check'],
    ['negative progress', { progress: -1 }, 'user_goal_progress_progress_check'],
    ['claimed but never completed', { claimed_at: new Date() }, 'user_goal_progress_claimed_after_completed_check'],
    ['an empty user_id', { user_id: '' }, 'user_goal_progress_ids_not_empty_check'],
    ['an empty goal_id', { goal_id: '' }, 'user_goal_progress_ids_not_empty_check'],
    ['an empty challenge_id', { challenge_id: '' }, 'user_goal_progress_ids_not_empty_check'],
    ['an empty namespace', { namespace: '' }, 'user_goal_progress_ids_not_empty_check'],
  ])('rejects %s', async (_case, change, constraint) => {
    await expect(insertProgress({ ...validRow, ...change })).rejects.toMatchObject({ code: '23514', constraint });
  });

  it('keeps 30% of each user_goal_progress page free for HOT updates', async () => {
    const { rows } = await pool.query<{ reloptions: string[] | null }>(
      `SELECT reloptions FROM pg_class WHERE oid = 'user_goal_progress'::regclass`,
    );
    expect(rows[0]?.reloptions).toEqual(['fillfactor=70']);
  });

  it('indexes progress by (user_id, challenge_id)', async () => {
    const { rows } = await pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'user_goal_progress_user_id_challenge_id_idx'`,
    );
    expect(rows[0]?.indexdef).toContain('(user_id, challenge_id)');
  });

  it('dead-letters a source position and goal at most once', async () => {
    const insert = `INSERT INTO dead_letters (source, partition, position, goal_id, payload, reason, error_code)
                    VALUES ('events', '0', 42, $1, '{}', 'bad event', 'INVALID_EVENT')`;
    await pool.query(insert, ['']);
    await pool.query(insert, ['goal-1']);
    await expect(pool.query(insert, [''])).rejects.toMatchObject({
      code: '23505',
      constraint: 'dead_letters_source_partition_position_goal_id_key',
    });
  });
});
