#!/usr/bin/env node
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventStreamError } from '../event-stream-error.js';
import { createEventPublisher, PublishFailedError, type PublishSummary } from '../event-publisher.js';
import { ensureEventStream } from '../event-stream-setup.js';
import { connectToNats } from '../nats-connection.js';

/**
 * goals-publish: NDJSON game events → the event stream.
 * Exit codes: 0 done (rejected lines are reported and counted, not an error);
 * 1 some events were not stored, or an unexpected error; 2 bad usage;
 * 3 NATS unreachable or without JetStream; 4 stream missing, of another
 * configuration, or another partition count.
 */
const EXIT = { failed: 1, usage: 2, unreachable: 3, stream: 4 } as const;
const MAX_REPORTED_REJECTIONS = 100;

const program = new Command()
  .name('goals-publish')
  .description('Publishes NDJSON game events to NATS JetStream (stream GOALS_EVENTS, subject goals.events.<partition>), deduplicated by event id.')
  .option('-i, --input <file>', 'NDJSON events file, or - for stdin')
  .option('-s, --servers <urls>', 'NATS server(s), comma-separated (env NATS_URL; default nats://127.0.0.1:4222)')
  .option('--setup', 'create the stream if missing (checks it otherwise); with --input, publishes afterwards', false)
  .option('-p, --partitions <n>', 'partition count: required with --setup when the stream does not exist; otherwise checked against the stream', positiveInteger)
  .option('--max-age-hours <n>', 'with --setup: stream retention by age (default 168)', positiveInteger)
  .option('--max-bytes <n>', 'with --setup: stream size limit in bytes (default 8 GiB)', positiveInteger)
  .option('--duplicate-window-seconds <n>', 'with --setup: Nats-Msg-Id dedupe window (default 120)', positiveInteger)
  .option('--replicas <n>', 'with --setup: stream replicas (1 on one server, 3 on a cluster)', positiveInteger)
  .option('--max-in-flight <n>', 'publish acks outstanding at once (default 512)', positiveInteger)
  .option('--progress', 'progress line on stderr even when it is not a terminal', false)
  .showHelpAfterError();

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new InvalidArgumentError('not a positive integer');
  return parsed;
}

interface Flags {
  input?: string;
  servers?: string;
  setup: boolean;
  partitions?: number;
  maxAgeHours?: number;
  maxBytes?: number;
  duplicateWindowSeconds?: number;
  replicas?: number;
  maxInFlight?: number;
  progress: boolean;
}

async function main(): Promise<number> {
  program.parse();
  const flags = program.opts<Flags>();
  if (flags.input === undefined && !flags.setup) {
    process.stderr.write('goals-publish: give --input <file|-> to publish, or --setup to create the stream\n');
    return EXIT.usage;
  }
  let connection: NatsConnection | undefined;
  try {
    connection = await connectToNats({ servers: flags.servers ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'goals-publish' });
    if (flags.setup) {
      if (flags.partitions === undefined) {
        process.stderr.write('goals-publish: --setup needs --partitions <P> (the stream is created with it, or checked against it)\n');
        return EXIT.usage;
      }
      const { created, layout } = await ensureEventStream(connection, {
        partitions: flags.partitions,
        maxAgeMs: flags.maxAgeHours === undefined ? undefined : flags.maxAgeHours * 3_600_000,
        maxBytes: flags.maxBytes,
        duplicateWindowMs: flags.duplicateWindowSeconds === undefined ? undefined : flags.duplicateWindowSeconds * 1_000,
        replicas: flags.replicas,
      });
      process.stderr.write(`goals-publish: stream GOALS_EVENTS ${created ? 'created' : 'already set up'} with ${layout.partitions} partitions\n`);
    }
    if (flags.input === undefined) return 0;
    const summary = await publishInput(connection, flags);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof PublishFailedError) {
      process.stdout.write(`${JSON.stringify(error.summary)}\n`);
      process.stderr.write(`goals-publish: ${error.message}\n`);
      return EXIT.failed;
    }
    if (error instanceof EventStreamError) {
      process.stderr.write(`goals-publish: ${error.code}: ${error.message}\n`);
      return error.code === 'NATS_UNREACHABLE' || error.code === 'JETSTREAM_UNAVAILABLE' ? EXIT.unreachable : EXIT.stream;
    }
    process.stderr.write(`goals-publish: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  } finally {
    await connection?.drain().catch(() => undefined);
  }
}

async function publishInput(connection: NatsConnection, flags: Flags): Promise<PublishSummary> {
  let reported = 0;
  const publisher = await createEventPublisher({
    connection,
    partitions: flags.partitions,
    maxInFlight: flags.maxInFlight,
    onRejected: ({ index, reason }) => {
      reported += 1;
      if (reported <= MAX_REPORTED_REJECTIONS) process.stderr.write(`goals-publish: line ${index} rejected: ${reason}\n`);
      else if (reported === MAX_REPORTED_REJECTIONS + 1) process.stderr.write('goals-publish: more rejected lines: only counted from here on\n');
    },
  });
  const input: Readable = flags.input === '-' ? process.stdin : createReadStream(flags.input ?? '-');
  const showProgress = flags.progress || process.stderr.isTTY;
  const started = performance.now();
  const progress = showProgress
    ? setInterval(() => {
        const s = publisher.summary;
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(`\rgoals-publish: ${s.offered} lines, ${s.published} published, ${s.duplicates} duplicates, ${s.rejected} rejected (${Math.round(s.offered / seconds)}/s)   `);
      }, 1_000)
    : undefined;
  try {
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) await publisher.publishLine(line);
    return await publisher.flush();
  } finally {
    if (progress !== undefined) {
      clearInterval(progress);
      process.stderr.write('\n');
    }
  }
}

process.exitCode = await main();
