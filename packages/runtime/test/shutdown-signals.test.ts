import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECOND_SIGNAL_EXIT_CODE, SHUTDOWN_DEADLINE_EXIT_CODE } from '../src/index.js';

const child = fileURLToPath(new URL('./support/signal-child.ts', import.meta.url));

/** Starts the child; `waitFor(line)` resolves once it printed that line; `exited` with its code and signal. */
function start(deadlineMs: number, mode: 'hang' | 'finish') {
  const process_ = spawn(process.execPath, ['--import', 'tsx', child, String(deadlineMs), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  process_.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((w) => stdout.split('\n').includes(w.line))) waiter.resolve();
  });
  process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => process_.once('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = (line: string) => new Promise<void>((resolve) => (stdout.split('\n').includes(line) ? resolve() : waiters.push({ line, resolve })));
  return { process: process_, exited, waitFor, stderr: () => stderr };
}

describe('ShutdownSignals', () => {
  it('a second signal during the graceful stop exits 130', async () => {
    const run = start(600_000, 'hang');
    await run.waitFor('ready');
    run.process.kill('SIGTERM');
    await run.waitFor('stopping after SIGTERM');
    run.process.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(SECOND_SIGNAL_EXIT_CODE);
  });

  it('a graceful stop that outlives its deadline exits 1', async () => {
    const run = start(50, 'hang');
    await run.waitFor('ready');
    run.process.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(SHUTDOWN_DEADLINE_EXIT_CODE);
  });

  it('a graceful stop that finishes ends the process normally: the deadline timer does not keep it alive', async () => {
    const run = start(600_000, 'finish');
    await run.waitFor('ready');
    run.process.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit, run.stderr()).toEqual({ code: 0, signal: null });
  });
});
