import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPopulation, type SeededPopulation } from './support/seeded-population.js';

const appDir = join(import.meta.dirname, '..');
let population: SeededPopulation;
let cataloguePath: string;

beforeAll(async () => {
  population = await seedPopulation();
  cataloguePath = join(mkdtempSync(join(tmpdir(), 'goals-reporting-cli-')), 'challenges.json');
  writeFileSync(cataloguePath, JSON.stringify(population.catalogue.catalogue));
});

afterAll(async () => {
  await population.database.drop();
});

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: appDir,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', REPORTING_DATABASE_URL: '', GOALS_CATALOGUE: '', ...env },
    timeout: 60_000,
  });
}

/** Resolves with the URL the server printed, or rejects when the process ends first. */
function serverUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
  });
}

describe('goals-reporting command line', () => {
  it('exits 2 with one message for usage errors', () => {
    const cases: [string[], RegExp][] = [
      [['serve', '--catalogue', 'x.json'], /--database-url or REPORTING_DATABASE_URL/],
      [['serve', '--database-url', 'postgres://x@127.0.0.1:1/x'], /--catalogue/],
      [['serve', '--database-url', 'postgres://x@127.0.0.1:1/x', '--catalogue', 'x.json', '--port', '70000'], /--port must be a whole number/],
      [['serve', '--database-url', 'postgres://x@127.0.0.1:1/x', '--catalogue', '/nonexistent/challenges.json'], /CATALOGUE_INVALID: cannot read the catalogue/],
      [['refresh'], /--database-url or DATABASE_URL/],
      [['refresh', '--database-url', 'postgres://x@127.0.0.1:1/x', '--every', '0'], /--every must be a whole number/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const result = run(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('exits 1 when the database cannot be reached for a refresh', () => {
    const result = run(['refresh', '--database-url', 'postgres://postgres@127.0.0.1:1/goals']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/REFRESH_FAILED: cannot connect/);
  });

  it('refresh prints what it did as one JSON line', () => {
    const result = run(['refresh'], { DATABASE_URL: population.ownerUrl });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim()) as { refreshed: boolean; progressRows: number; asOf: string };
    expect(report.refreshed).toBe(true);
    expect(report.progressRows).toBe(population.allRows.length);
  });

  it('serve answers /healthz and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', '--port', '0', '--log-level', 'warn'], {
      cwd: appDir,
      env: { ...process.env, REPORTING_DATABASE_URL: population.reportingUrl, GOALS_CATALOGUE: cataloguePath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await serverUrl(child);
      const health = await fetch(new URL('/healthz', url));
      expect(health.status).toBe(200);
      const overview = (await (await fetch(new URL('/api/overview?namespace=fixtures', url))).json()) as { playersSeen: number };
      expect(overview.playersSeen).toBe(population.main.manifest.options.users);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
