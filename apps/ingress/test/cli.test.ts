import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectToNats, ensureEventStream } from '@goals/event-stream';
import { startPrivateNatsServer } from '@goals/event-stream/testing';
import { describe, expect, it } from 'vitest';
import { AgsClient } from './support/ags-client.js';
import { natsBinary } from './support/ingress-harness.js';
import { readStream } from './support/stream-contents.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The real CLI in a child process (TypeScript via tsx); resolves `serving` with the logged ports once it serves. */
function spawnIngress(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--grpc-host', '127.0.0.1', '--grpc-port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0', ...args], {
    env: { ...process.env, NATS_URL: '', GOALS_NAMESPACE: '', AB_NAMESPACE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let announce: (ports: { grpcPort: number; metricsPort: number }) => void = () => undefined;
  const serving = new Promise<{ grpcPort: number; metricsPort: number }>((resolve) => {
    announce = resolve;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const line of stderr.split('\n')) {
      if (!line.includes('"msg":"ingress serving"')) continue;
      const logged = JSON.parse(line) as { grpcPort: number; metricsPort: number };
      announce(logged);
    }
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return { child, serving, exited };
}

describe('goals-ingress CLI', () => {
  it('exits 2 naming the flag and the variable of an invalid setting', async () => {
    const { exited } = spawnIngress(['--max-in-flight', '0']);
    const { code, stderr } = await exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/maxInFlight \(--max-in-flight \/ GOALS_INGRESS_MAX_IN_FLIGHT\)/);
  });

  it('exits 5 when NATS is unreachable', async () => {
    const { exited } = spawnIngress(['--nats-servers', 'nats://127.0.0.1:1']);
    const { code, stderr } = await exited;
    expect(code).toBe(5);
    expect(stderr).toMatch(/NATS_UNREACHABLE/);
  });

  it.skipIf(natsBinary === null)('serves, stores a call, and on SIGTERM drains and exits 0', async () => {
    if (natsBinary === null) return;
    const nats = await startPrivateNatsServer(natsBinary);
    const observer = await connectToNats({ servers: nats.url, name: 'test-observer' });
    try {
      await ensureEventStream(observer, { partitions: 2 });
      const ingress = spawnIngress(['--nats-servers', nats.url, '--log-level', 'info']);
      const { grpcPort, metricsPort } = await Promise.race([ingress.serving, ingress.exited.then(({ stderr }) => expect.fail(`exited before serving:\n${stderr}`))]);
      const client = new AgsClient(`127.0.0.1:${grpcPort}`);
      try {
        expect(await client.send('userLoggedIn', { id: 'cli-1', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T10:00:00Z' })).toEqual({ ok: true });
        expect((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status).toBe(200);
      } finally {
        client.close();
      }
      ingress.child.kill('SIGTERM');
      const { code, stderr } = await ingress.exited;
      expect(code, stderr).toBe(0);
      expect(stderr).toMatch(/"msg":"ingress stopped"/);
      expect((await readStream(observer)).map((m) => m.msgId)).toEqual(['cli-1']);
    } finally {
      await observer.close();
      await nats.dispose();
    }
  });
});
