import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startDatabase } from '../src/bootstrap/start-database.js';
import { findRunningPostmaster } from '../src/embedded/running-postmaster.js';

const START_EMBEDDED = fileURLToPath(new URL('./support/start-embedded.ts', import.meta.url));

/** Issue #8 item 11: an embedded server orphaned by a kill -9 is not reused without a word, and is stopped. */
describe('an embedded PostgreSQL orphaned by kill -9', () => {
  it('is reported, taken over and stopped by the next process', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'goals-orphan-'));
    // as root the server runs as the postgres user, which must be able to enter the directory
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'pgdata');
    const starter = spawn(process.execPath, ['--import', 'tsx', START_EMBEDDED], { env: { ...process.env, GOALS_TEST_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        starter.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (chunk.includes('ready ')) resolve();
        });
        starter.on('exit', (code) => reject(new Error(`the starter exited early (${code})`)));
      });
      const exited = new Promise((resolve) => starter.on('exit', resolve));
      starter.kill('SIGKILL');
      await exited;
      const orphan = await findRunningPostmaster(dataDir);
      expect(orphan).toBeDefined();

      const lines: string[] = [];
      const database = await startDatabase({ databaseUrl: '', dataDir, log: (line) => lines.push(line) });
      expect(lines.join('\n')).toContain(`found an orphaned embedded PostgreSQL (pid ${orphan?.pid}`);
      await database.stop();
      expect(await findRunningPostmaster(dataDir)).toBeUndefined();
    } finally {
      starter.kill('SIGKILL');
      const left = await findRunningPostmaster(dataDir);
      if (left !== undefined) process.kill(left.pid, 'SIGINT');
      await rm(path.dirname(dataDir), { recursive: true, force: true }).catch(() => undefined);
    }
  }, 120_000);
});
