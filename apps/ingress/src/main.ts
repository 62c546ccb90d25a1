#!/usr/bin/env node
import { EventStreamError } from '@goals/event-stream';
import { ShutdownSignals } from '@goals/runtime';
import { Command, InvalidArgumentError } from 'commander';
import { IngressConfigError, resolveIngressConfig } from './config/ingress-config.js';
import { createLogger } from './observability/logger.js';
import { startIngress } from './run-ingress.js';

const program = new Command('goals-ingress')
  .description('AccelByte Extend event handler: AGS userLoggedIn / statItemUpdated over gRPC, validated, stored in the goals JetStream stream')
  .option('--grpc-host <address>', 'gRPC listen address (env GOALS_INGRESS_GRPC_HOST; default 0.0.0.0)')
  .option('--grpc-port <n>', 'gRPC port; 0 = any free port, logged (env GOALS_INGRESS_GRPC_PORT; default 6565, as Extend expects)', integer)
  .option('--metrics-host <address>', 'address of /metrics, /healthz, /readyz (env GOALS_INGRESS_METRICS_HOST; default 0.0.0.0)')
  .option('--metrics-port <n>', 'port of /metrics; 0 = any free port (env GOALS_INGRESS_METRICS_PORT; default 8080, as Extend scrapes)', integer)
  .option('--nats-servers <urls>', 'NATS server(s), comma-separated (env NATS_URL; default nats://127.0.0.1:4222)')
  .option('--partitions <P>', "partition count; creates the stream if missing, else must equal the stream's (env GOALS_PARTITIONS; default: the stream's)", integer)
  .option('--namespace <ns>', 'only events of this AGS namespace are stored; others are answered OK and dropped (env GOALS_NAMESPACE or AB_NAMESPACE; default every namespace)')
  .option('--max-in-flight <n>', 'calls waiting for their stream ack at once; one more gets RESOURCE_EXHAUSTED (env GOALS_INGRESS_MAX_IN_FLIGHT; default 1024)', integer)
  .option('--ack-timeout-ms <n>', 'one publish attempt waits this long for its ack (env GOALS_INGRESS_ACK_TIMEOUT_MS; default 2000)', integer)
  .option('--publish-attempts <n>', 'attempts per event before UNAVAILABLE (env GOALS_INGRESS_PUBLISH_ATTEMPTS; default 2)', integer)
  .option('--shutdown-deadline-ms <n>', 'on SIGTERM, calls in flight get this long for their ack (env GOALS_SHUTDOWN_DEADLINE_MS; default 10000)', integer)
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env GOALS_LOG_LEVEL; default info)');

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('not an integer');
  return parsed;
}

/** Exit codes as the worker's: 2 settings, 4 stream layout, 5 NATS unreachable or without JetStream, 1 anything else, 130 second signal. */
const EXIT_CODE_OF: Partial<Record<EventStreamError['code'], number>> = {
  NATS_UNREACHABLE: 5,
  JETSTREAM_UNAVAILABLE: 5,
  STREAM_MISSING: 4,
  STREAM_CONFIG_MISMATCH: 4,
  PARTITION_COUNT_MISMATCH: 4,
};

async function main(): Promise<void> {
  program.parse();
  let config;
  try {
    config = resolveIngressConfig(program.opts());
  } catch (error) {
    if (!(error instanceof IngressConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let ingress;
  try {
    ingress = await startIngress(config, { logger });
  } catch (error) {
    const code = error instanceof EventStreamError ? (EXIT_CODE_OF[error.code] ?? 1) : 1;
    logger.fatal({ err: error, code: error instanceof EventStreamError ? error.code : undefined }, 'ingress could not start');
    logger.flush();
    process.exit(code);
  }
  const running = ingress;
  // the project's one signal helper: the first signal drains, a second exits 130
  new ShutdownSignals({
    log: logger,
    deadlineMs: config.shutdownDeadlineMs,
    work: 'the drain',
    exit: (code) => {
      logger.flush();
      process.exit(code);
    },
    onFirstSignal: () => {
      running.stop().then(
        () => {
          logger.flush();
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          logger.flush();
          process.exit(1);
        },
      );
    },
  });
}

await main();
