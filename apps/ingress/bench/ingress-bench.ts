/**
 * `pnpm bench` (apps/ingress; part of the root `pnpm bench`): the ingress as
 * its own process (the built CLI) in front of a private nats-server, driven
 * by a gRPC client in this process with 1 and 64 calls in flight at once
 * (one HTTP/2 connection, as AGS's event sender keeps one channel).
 *
 * Per setting: a warm-up, then GOALS_BENCH_SECONDS of calls, half
 * statItemUpdated, half userLoggedIn, every one a new event (its own id)
 * for one of 10,000 players.
 * - events/s: calls answered OK (each after its JetStream ack) / the time
 * - call→OK p50/p99: from issuing the call to its OK, as the caller sees it
 * - CPU per event: the ingress process's user + system CPU / events (and the
 *   nats-server's, read from /proc, for the whole picture)
 * Prints one JSON line per setting, then a Markdown table.
 *
 *   GOALS_BENCH_SECONDS  measured seconds per setting (default 8)
 *   GOALS_BENCH_STREAMS  e.g. "1,64" (default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connectToNats, ensureEventStream } from '@goals/event-stream';
import { findNatsServerBinary, NATS_SERVER_MISSING, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadAgsProtocol } from '../src/protocol/ags-protocol.js';

const SECONDS = Number(process.env.GOALS_BENCH_SECONDS ?? 8);
const STREAMS = (process.env.GOALS_BENCH_STREAMS ?? '1,64').split(',').map(Number);
const PARTITIONS = 8;
const USERS = 10_000;
const INGRESS = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CLOCK_TICKS = 100;

interface Result {
  benchmark: 'ingress-grpc';
  streams: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  callToOkMs: { p50: number; p99: number; max: number };
  ingressCpuUsPerEvent: number;
  natsCpuUsPerEvent: number | null;
  failed: number;
}

async function main(): Promise<void> {
  const binary = findNatsServerBinary();
  if (binary === null) {
    console.error(NATS_SERVER_MISSING);
    process.exit(1);
  }
  const nats = await startPrivateNatsServer(binary);
  const setup = await connectToNats({ servers: nats.url, name: 'bench-setup' });
  await ensureEventStream(setup, { partitions: PARTITIONS });
  await setup.close();
  const ingress = await startIngressProcess(nats.url);
  const results: Result[] = [];
  try {
    const client = new Client(`127.0.0.1:${ingress.grpcPort}`, credentials.createInsecure());
    const sender = new EventSender(client);
    for (const streams of STREAMS) {
      await sender.run(streams, 1.5); // warm-up: JIT, connection windows, the stream's first blocks
      const cpuBefore = cpuSeconds(ingress.child.pid);
      const natsBefore = natsCpuSeconds(nats);
      const run = await sender.run(streams, SECONDS);
      const cpu = cpuSeconds(ingress.child.pid) - cpuBefore;
      const natsAfter = natsCpuSeconds(nats);
      const latencies = run.latenciesMs.sort((a, b) => a - b);
      const result: Result = {
        benchmark: 'ingress-grpc',
        streams,
        events: run.ok,
        seconds: Number(run.seconds.toFixed(2)),
        eventsPerSecond: Math.round(run.ok / run.seconds),
        callToOkMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? 0) },
        ingressCpuUsPerEvent: Math.round((cpu / run.ok) * 1e6),
        natsCpuUsPerEvent: natsBefore === null || natsAfter === null ? null : Math.round(((natsAfter - natsBefore) / run.ok) * 1e6),
        failed: run.failed,
      };
      console.log(JSON.stringify(result));
      results.push(result);
    }
    client.close();
  } finally {
    ingress.child.kill('SIGTERM');
    await ingress.exited;
    await nats.dispose();
  }
  const [one, five] = loadavg();
  console.log(`\n${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores, load average ${one?.toFixed(1)} / ${five?.toFixed(1)} (1 / 5 min), nats-server on the same machine\n`);
  console.log('| calls in flight | events/s | call→OK p50 ms | p99 ms | max ms | ingress CPU µs/event | nats-server CPU µs/event | failed |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.streams} | ${r.eventsPerSecond} | ${r.callToOkMs.p50} | ${r.callToOkMs.p99} | ${r.callToOkMs.max} | ${r.ingressCpuUsPerEvent} | ${r.natsCpuUsPerEvent ?? 'n/a'} | ${r.failed} |`);
  }
}

/** Keeps `streams` calls in flight for `seconds`, each a new event. */
class EventSender {
  readonly #client: Client;
  readonly #methods = loadAgsProtocol().services.map((s) => ({ kind: s.kind, method: s.definition.OnMessage }));
  #sequence = 0;

  constructor(client: Client) {
    this.#client = client;
  }

  async run(streams: number, seconds: number): Promise<{ ok: number; failed: number; seconds: number; latenciesMs: number[] }> {
    const started = performance.now();
    const until = started + seconds * 1000;
    const latenciesMs: number[] = [];
    let ok = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: streams }, async () => {
        while (performance.now() < until) {
          const callStarted = performance.now();
          const error = await this.#send();
          if (error === null) {
            ok += 1;
            latenciesMs.push(performance.now() - callStarted);
          } else failed += 1;
        }
      }),
    );
    return { ok, failed, seconds: (performance.now() - started) / 1000, latenciesMs };
  }

  #send(): Promise<ServiceError | null> {
    const n = (this.#sequence += 1);
    const entry = this.#methods[n % 2];
    if (entry?.method === undefined) throw new Error('protocol without OnMessage');
    const method = entry.method;
    const user = `player-${(n * 7_919) % USERS}`;
    const timestamp = new Date().toISOString();
    const message =
      entry.kind === 'statItemUpdated'
        ? { id: `bench-${n}`, name: 'statItemUpdated', namespace: 'bench', userId: user, timestamp, payload: { statCode: 'kills', userId: user, latestValue: n % 500, inc: 1 } }
        : { id: `bench-${n}`, name: 'userLoggedIn', namespace: 'bench', userId: user, timestamp, payload: { userAccount: { userId: user, namespace: 'bench' } } };
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest(method.path, (value: object) => method.requestSerialize(value), (bytes: Buffer) => bytes, message, new Metadata(), { deadline: Date.now() + 30_000 }, (error: ServiceError | null) => resolve(error));
    });
  }
}

async function startIngressProcess(natsUrl: string): Promise<{ child: ChildProcess; grpcPort: number; exited: Promise<void> }> {
  const child = spawn(process.execPath, [INGRESS, '--nats-servers', natsUrl, '--grpc-host', '127.0.0.1', '--grpc-port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0', '--log-level', 'info', '--max-in-flight', '4096'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const grpcPort = await new Promise<number>((resolve, reject) => {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const line = stderr.split('\n').find((l) => l.includes('"msg":"ingress serving"'));
      if (line !== undefined) resolve((JSON.parse(line) as { grpcPort: number }).grpcPort);
    });
    child.once('exit', (code) => reject(new Error(`ingress exited with ${code}:\n${stderr}`)));
  });
  return { child, grpcPort, exited };
}

/** user + system CPU of a process, from /proc/<pid>/stat (clock ticks). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The private nats-server's CPU: its process is the one whose command line carries its port. */
function natsCpuSeconds(nats: PrivateNatsServer): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\u0000');
      if (command[0]?.endsWith('nats-server') === true && command.includes(String(nats.port))) return cpuSeconds(Number(entry));
    } catch {
      // the process ended while /proc was read: not ours
    }
  }
  return null;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function round(ms: number): number {
  return Number(ms.toFixed(2));
}

await main();
