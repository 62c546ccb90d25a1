import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>;
  /** Resolves once the worker has logged `count` committed flushes. */
  flushes(count: number): Promise<void>;
}

/** The real worker CLI in a child process (TypeScript via tsx), logging at debug level so flushes can be awaited. */
export function spawnWorker(args: readonly string[], env: NodeJS.ProcessEnv = {}, nodeArgs: readonly string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN, '--metrics-port', '0', '--log-level', 'debug', ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let flushed = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.includes('"msg":"flushed"')) flushed += 1;
    for (const waiter of waiters.filter((w) => w.count <= flushed)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const waiter of waiters.splice(0)) waiter.resolve();
      resolve({ code, signal, stderr, stdout });
    });
  });
  return {
    child,
    exited,
    flushes: (count) =>
      new Promise<void>((resolve) => {
        if (flushed >= count || child.exitCode !== null) return resolve();
        waiters.push({ count, resolve });
      }),
  };
}
