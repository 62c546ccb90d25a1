import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fnv1a32 } from '@goals/domain';
import { connectToNats, createEventPublisher, ensureEventStream, PartitionConsumers, partitionSubject } from '@goals/event-stream';
import { generateEventLines, workloadCatalogue } from '@goals/fixtures';
import { eventually } from '@goals/runtime/testing';
import { jetstream } from '@nats-io/jetstream';
import pg from 'pg';

export const SOURCE_NAME = 'jetstream:GOALS_EVENTS';

export function writeIncWorkload(events: number, users: number, seed = 11) {
  const dir = mkdtempSync(join(tmpdir(), 'goals-js-'));
  // the embedded server runs as the postgres OS user when the tests run as root
  chmodSync(dir, 0o755);
  const catalogue = workloadCatalogue('INC');
  const cataloguePath = join(dir, 'challenges.json');
  writeFileSync(cataloguePath, JSON.stringify(catalogue));
  const lines = [...generateEventLines({ workload: 'INC', seed, events, users, start: new Date('2026-11-01T20:00:00Z'), durationMs: 2 * 86_400_000, faultRate: 0.001 })];
  return { dir, catalogue, cataloguePath, lines };
}

/** The worker CLI arguments for the JetStream source, with short leases so takeovers happen within a test. */
export function jetStreamWorkerArgs(options: { natsUrl: string; databaseUrl: string; cataloguePath: string; workerId: string; partitions?: number; extra?: string[] }): string[] {
  return [
    '--source', 'jetstream',
    '--nats-servers', options.natsUrl,
    '--partitions', String(options.partitions ?? 8),
    '--catalogue', options.cataloguePath,
    '--database-url', options.databaseUrl,
    '--worker-id', options.workerId,
    '--lease-ttl-ms', '3000',
    '--lease-scan-interval-ms', '500',
    '--flush-interval-ms', '200',
    '--max-buffer-rows', '20000',
    ...(options.extra ?? []),
  ];
}

/**
 * Publishes a log as a game back-end would: valid lines through the
 * publisher; the lines it refuses (the log's faults) raw onto a partition, as
 * a misbehaving producer could, so the worker's dead letters are exercised.
 */
export async function publishLog(natsUrl: string, lines: readonly string[], partitions = 8): Promise<{ published: number; faults: string[] }> {
  const connection = await connectToNats({ servers: natsUrl, name: 'test-publisher' });
  try {
    await ensureEventStream(connection, { partitions });
    const faults: string[] = [];
    const publisher = await createEventPublisher({ connection, onRejected: ({ index }) => faults.push(lines[index - 1] ?? '') });
    for (const line of lines) await publisher.publishLine(line);
    const summary = await publisher.flush();
    const js = jetstream(connection);
    for (const [i, fault] of faults.entries()) {
      await js.publish(partitionSubject(fnv1a32(userIdOf(fault)) % partitions), fault, { msgID: `fault-${i}-${fnv1a32(fault)}` });
    }
    return { published: summary.published, faults };
  } finally {
    await connection.drain();
  }
}

function userIdOf(line: string): string {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'userId' in value && typeof value.userId === 'string') return value.userId;
  } catch {
    // not JSON: any partition will do
  }
  return '';
}

/** Resolves once every partition's stored position equals the stream's last sequence on its subject. */
export async function waitUntilConsumed(natsUrl: string, databaseUrl: string, partitions: number, deadlineMs: number): Promise<void> {
  const connection = await connectToNats({ servers: natsUrl, name: 'test-observer' });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sequences = await (await PartitionConsumers.connect(connection)).lastSequences(partitions);
    const last = new Map(sequences.map((sequence, p) => [String(p), sequence]));
    const behind = async () => {
      const { rows } = await client.query<{ partition: string; position: string }>('SELECT partition, position::text FROM source_positions WHERE source = $1', [SOURCE_NAME]);
      const stored = new Map(rows.map((r) => [r.partition, Number(r.position)]));
      return [...last].filter(([p, seq]) => seq > 0 && (stored.get(p) ?? 0) < seq).map(([p, seq]) => `partition ${p} at ${stored.get(p) ?? 0} of ${seq}`);
    };
    await eventually(async () => (await behind()).length === 0, { timeoutMs: deadlineMs, intervalMs: 250, describe: async () => `not consumed: ${(await behind()).join(', ')}` });
  } finally {
    await client.end();
    await connection.close();
  }
}

export async function query<T extends pg.QueryResultRow>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function leaseRows(databaseUrl: string): Promise<{ partition: string; owner: string | null; epoch: string; live: boolean }[]> {
  return query(databaseUrl, `SELECT partition, owner, epoch::text, (owner IS NOT NULL AND expires_at > now()) AS live FROM partition_leases WHERE source = $1 ORDER BY partition::int`, [SOURCE_NAME]);
}

/** Whole-event dead letters' payloads, sorted (the oracle: the log's faults). */
export async function deadLetterPayloads(databaseUrl: string): Promise<string[]> {
  const rows = await query<{ payload: string }>(databaseUrl, `SELECT payload FROM dead_letters WHERE source = $1 AND goal_id = ''`, [SOURCE_NAME]);
  // sorted here, by code unit like the expectation, not by the database's collation
  return rows.map((r) => r.payload).sort();
}

/** Stored positions per partition, for progress checks. */
export async function storedPositions(databaseUrl: string): Promise<Map<string, number>> {
  const rows = await query<{ partition: string; position: string }>(databaseUrl, 'SELECT partition, position::text FROM source_positions WHERE source = $1', [SOURCE_NAME]);
  return new Map(rows.map((r) => [r.partition, Number(r.position)]));
}

/** The sum of a Prometheus metric's samples on a worker's /metrics (0 when absent or the worker does not answer). */
export async function scrape(port: number, metric: string): Promise<number> {
  try {
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let sum = 0;
    for (const line of body.split('\n')) {
      if (line.startsWith(`${metric} `) || line.startsWith(`${metric}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  } catch {
    return 0;
  }
}
