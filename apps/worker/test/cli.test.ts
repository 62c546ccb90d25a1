import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveWorkerConfig } from '../src/config/worker-config.js';
import { spawnWorker } from './support/worker-process.js';

describe('worker configuration', () => {
  it('takes flags over environment variables and fills documented defaults', () => {
    const config = resolveWorkerConfig({ maxBufferRows: 10 }, { GOALS_CATALOGUE: 'c.json', GOALS_INPUT: 'events.ndjson', GOALS_MAX_BUFFER_ROWS: '99', GOALS_FLUSH_INTERVAL_MS: '250' });
    expect(config).toMatchObject({ catalogue: 'c.json', maxBufferRows: 10, flushIntervalMs: 250, input: 'events.ndjson', shutdownDeadlineMs: 10_000, metricsPort: 9464, logLevel: 'info' });
  });

  it('requires a source name for stdin, whose stored position would otherwise be shared by every stream', () => {
    expect(() => resolveWorkerConfig({ input: '-' }, { GOALS_CATALOGUE: 'c.json' })).toThrow(/stable name/);
    expect(resolveWorkerConfig({ input: '-', sourceName: 'backfill-1' }, { GOALS_CATALOGUE: 'c.json' }).sourceName).toBe('backfill-1');
  });

  it('names the flag and the variable of every invalid setting', () => {
    let error: unknown;
    try {
      resolveWorkerConfig({ maxBufferRows: -1 }, { GOALS_FLUSH_INTERVAL_MS: 'soon' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('--max-buffer-rows / GOALS_MAX_BUFFER_ROWS');
    expect(problems).toContain('--flush-interval-ms / GOALS_FLUSH_INTERVAL_MS');
    expect(problems).toContain('--catalogue');
  });
});

describe('worker CLI', () => {
  it('exits 2 listing every problem of an invalid challenges.json, before touching a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goals-cli-'));
    const cataloguePath = join(dir, 'challenges.json');
    writeFileSync(
      cataloguePath,
      JSON.stringify({
        challenges: [
          {
            id: 'c1',
            name: 'C1',
            goals: [
              { id: 'a', name: 'A', type: 'sometimes', eventSource: 'login', requirement: { statCode: 's', operator: '>=', targetValue: 0 }, reward: { type: 'ITEM', rewardId: 'r', quantity: 1 } },
              { id: 'a', name: 'A2', type: 'absolute', eventSource: 'login', requirement: { statCode: 's', operator: '>=', targetValue: 1 }, reward: { type: 'ITEM', rewardId: 'r', quantity: 1 } },
              // ids PostgreSQL cannot store: the worker used to die on the first event of such a goal, every restart
              { id: 'nul\u0000id', name: 'N', type: 'absolute', eventSource: 'login', requirement: { statCode: 's', operator: '>=', targetValue: 1 }, reward: { type: 'ITEM', rewardId: 'r', quantity: 1 } },
              { id: 'half\uD800', name: 'H', type: 'absolute', eventSource: 'login', requirement: { statCode: 's', operator: '>=', targetValue: 1 }, reward: { type: 'ITEM', rewardId: 'r', quantity: 1 } },
            ],
          },
        ],
      }),
    );
    const worker = spawnWorker(['--input', join(dir, 'none.ndjson'), '--catalogue', cataloguePath, '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    const exit = await worker.exited;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('challenge "c1" goal "a": type: Invalid option');
    expect(exit.stderr).toContain('requirement.targetValue');
    expect(exit.stderr).toContain('duplicate goal id');
    expect(exit.stderr).toContain('must not contain U+0000');
    expect(exit.stderr).toContain('lone surrogate');
  });

  it('exits non-zero with one clear line naming an unreachable database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goals-cli-'));
    const cataloguePath = join(dir, 'challenges.json');
    writeFileSync(cataloguePath, JSON.stringify({ challenges: [] }));
    const logPath = join(dir, 'events.ndjson');
    writeFileSync(logPath, '');
    const worker = spawnWorker(['--input', logPath, '--catalogue', cataloguePath, '--database-url', 'postgres://nobody:secret@127.0.0.1:1/none?password=secret2']);
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    const line = exit.stderr.split('\n').find((l) => l.startsWith('goals-worker:')) ?? '';
    expect(line).toContain('127.0.0.1:1');
    expect(exit.stderr).not.toContain('secret');
  });

  it('explains a database URL that does not parse (a # in the password), printing no part of the password (issue #8 item 10)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goals-cli-'));
    const cataloguePath = join(dir, 'challenges.json');
    writeFileSync(cataloguePath, JSON.stringify({ challenges: [] }));
    const logPath = join(dir, 'events.ndjson');
    writeFileSync(logPath, '');
    const exit = await spawnWorker(['--input', logPath, '--catalogue', cataloguePath, '--database-url', 'postgres://nobody:se#cret@127.0.0.1:1/none']).exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('# as %23');
    expect(exit.stderr).not.toMatch(/se#|cret/);
  });
});

describe('smaller items of issue #8 (11)', () => {
  it('a default source name over 200 characters is refused at start-up, pointing at --source-name', () => {
    const longPath = `/tmp/${'deeply-nested-directory/'.repeat(9)}events.ndjson`;
    let error: unknown;
    try {
      resolveWorkerConfig({ input: longPath }, { GOALS_CATALOGUE: 'c.json' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('--source-name');
    expect((error as ConfigError).message).toContain('more than the 200');
    expect(resolveWorkerConfig({ input: longPath, sourceName: 'events' }, { GOALS_CATALOGUE: 'c.json' }).sourceName).toBe('events');
  });

  it("every direct `node …/main.js` run in the README that processes events carries the bin's heap cap", () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const runs = readme.split('\n').filter((line) => /node\s.*main\.js/.test(line) && !line.includes('--help'));
    expect(runs.length).toBeGreaterThan(0);
    for (const line of runs) expect(line).toContain('--max-old-space-size=192');
  });
});
