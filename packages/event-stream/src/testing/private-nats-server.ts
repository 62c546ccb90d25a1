import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@goals/runtime/testing';

export interface PrivateNatsServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); the store directory stays for a restart. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store (JetStream state survives). */
  start(): Promise<void>;
  /** Stops it and deletes the store directory. */
  dispose(): Promise<void>;
}

export interface PrivateNatsServerOptions {
  /** Extra lines of a server config file (e.g. `mappings { … }`); the server then runs with `-c`. */
  config?: string;
}

/**
 * A nats-server of a test's own (`-js`, 127.0.0.1, a free port, a temporary
 * store): tests that stop or restart NATS never touch the shared server.
 */
export async function startPrivateNatsServer(binary: string, options: PrivateNatsServerOptions = {}): Promise<PrivateNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'goals-nats-'));
  const port = await freePort();
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'store')];
  if (options.config !== undefined) {
    const configPath = join(dir, 'server.conf');
    writeFileSync(configPath, options.config);
    args.push('-c', configPath);
  }
  let child: ChildProcess | null = null;
  const server: PrivateNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      if (child !== null) return;
      child = await launch(binary, args);
    },
    async stop() {
      const running = child;
      child = null;
      if (running === null || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Resolves once the server logs that it is ready; rejects with its output if it exits first. */
function launch(binary: string, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not become ready within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        child.stdout.off('data', onData);
        // keep draining so a chatty server never blocks on a full pipe
        child.stderr.resume();
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stderr.on('data', onData);
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code} before it was ready:\n${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
