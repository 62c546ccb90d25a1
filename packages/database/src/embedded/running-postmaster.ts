import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { poll } from '@goals/runtime';

export interface RunningPostmaster {
  readonly pid: number;
  readonly port: number;
  /** `starting`, `ready`, `stopping` — or empty until the server has written line 8. */
  readonly status: string;
}

/**
 * The server already running on a data directory, from its postmaster.pid
 * (line 1: pid, line 4: port, line 8: status). PostgreSQL refuses a second server on the same
 * directory, so a second process (say, the reporting app next to the worker)
 * connects to the first one instead.
 */
export async function findRunningPostmaster(dataDir: string): Promise<RunningPostmaster | undefined> {
  let content: string;
  try {
    content = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    // No pid file: no server on this directory.
    return undefined;
  }
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isProcessAlive(pid)) return undefined;
  return { pid, port, status: (lines[7] ?? '').trim() };
}

/**
 * Waits while a server that another process just started finishes starting
 * (crash recovery can take a while), by re-reading its status line.
 */
export async function waitUntilPostmasterReady(dataDir: string, timeoutMs: number): Promise<RunningPostmaster | undefined> {
  const settled = (running: RunningPostmaster | undefined) => running === undefined || running.status === 'ready' || running.status === 'stopping';
  return (await poll(() => findRunningPostmaster(dataDir), settled, { intervalMs: 50, timeoutMs })).value;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (the `postgres` user when we run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
