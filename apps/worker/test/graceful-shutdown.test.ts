import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueIndex } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { generateEventLines, workloadCatalogue } from '@goals/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { spawnWorker } from './support/worker-process.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** Polls the worker's /metrics until `predicate` holds: the worker has read what the test sent. */
async function metricsUntil(stderr: () => string, predicate: (metrics: string) => boolean): Promise<string> {
  for (;;) {
    const match = /"metricsPort":(\d+)/.exec(stderr());
    if (match) {
      const body = await fetch(`http://127.0.0.1:${match[1]}/metrics`).then((r) => r.text());
      if (predicate(body)) return body;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('graceful shutdown', () => {
  it('on SIGTERM stops reading, flushes everything it read, stores the position and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goals-shutdown-'));
    const catalogue = workloadCatalogue('S2');
    const cataloguePath = join(dir, 'challenges.json');
    writeFileSync(cataloguePath, JSON.stringify(catalogue));
    const lines = [...generateEventLines({ workload: 'S2', seed: 3, events: 500, users: 50, start: new Date('2026-11-01T00:00:00Z'), durationMs: 3_600_000 })];
    // stdin stays open: only the signal can end this run; no flush happens before it (1 h interval, large buffer)
    const worker = spawnWorker(['--input', '-', '--source-name', 'shutdown-test', '--catalogue', cataloguePath, '--database-url', database.url, '--flush-interval-ms', '3600000', '--max-buffer-rows', '1000000']);
    let stderr = '';
    worker.child.stderr?.on('data', (chunk: string) => (stderr += chunk));
    worker.child.stdin?.write(`${lines.join('\n')}\n`);
    const metrics = await metricsUntil(() => stderr, (body) => /goals_worker_events_total\{outcome="applied"\} 500\b/.test(body));
    expect(metrics).toMatch(/goals_worker_buffer_rows [1-9]/);
    expect(await readTable(database.url)).toEqual(new Map());

    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
    expect(diffTables(foldEvents(new CatalogueIndex(catalogue), lines), await readTable(database.url))).toEqual([]);
  }, 120_000);
});
