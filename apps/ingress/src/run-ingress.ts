import { connectToNats, createEventPublisher, ensureEventStream, readEventStreamLayout } from '@goals/event-stream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { IngressConfig } from './config/ingress-config.js';
import { EventIngressServer } from './grpc/event-ingress-server.js';
import { ObservabilityServer } from '@goals/runtime';
import { createLogger, type Logger } from './observability/logger.js';
import { IngressMetrics } from './observability/metrics.js';
import { loadAgsProtocol } from './protocol/ags-protocol.js';

export interface RunningIngress {
  grpcPort: number;
  metricsPort: number;
  partitions: number;
  metrics: IngressMetrics;
  server: EventIngressServer;
  /** Drains the gRPC server (calls in flight get their ack, within the deadline), then closes HTTP and NATS. */
  stop(): Promise<{ forced: boolean }>;
}

export interface StartIngressOptions {
  logger?: Logger;
  metrics?: IngressMetrics;
}

/**
 * Wires an ingress from its configuration: NATS connection (the client
 * reconnects forever; while it is down calls are UNAVAILABLE), the event
 * stream (created when --partitions is given and it is missing, checked
 * otherwise), the confirmed publisher, the gRPC server and /metrics.
 * Startup errors are EventStreamErrors with codes (NATS_UNREACHABLE,
 * STREAM_MISSING, PARTITION_COUNT_MISMATCH, …).
 */
export async function startIngress(config: IngressConfig, options: StartIngressOptions = {}): Promise<RunningIngress> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? new IngressMetrics();
  const protocol = loadAgsProtocol();
  const connection = await connectToNats({ servers: config.natsServers, name: 'goals-ingress' });
  try {
    const layout = config.partitions === undefined ? await readEventStreamLayout(connection) : (await ensureEventStream(connection, { partitions: config.partitions })).layout;
    const publisher = await createEventPublisher({ connection, partitions: layout.partitions, maxInFlight: config.maxInFlight, ackTimeoutMs: config.ackTimeoutMs, attempts: config.publishAttempts });
    const server = new EventIngressServer({ protocol, publisher, metrics, logger, maxInFlight: config.maxInFlight, ...(config.namespace === undefined ? {} : { namespace: config.namespace }) });
    const watching = followConnection(connection, server, logger);
    const grpcPort = await server.listen(config.grpcHost, config.grpcPort);
    const http = new ObservabilityServer(metrics, () => server.readiness());
    const metricsPort = await http.listen(config.metricsPort, config.metricsHost);
    logger.info({ grpcPort, metricsPort, partitions: layout.partitions, namespace: config.namespace ?? null, services: protocol.services.map((s) => s.serviceName) }, 'ingress serving');
    return {
      grpcPort,
      metricsPort,
      partitions: layout.partitions,
      metrics,
      server,
      async stop() {
        const result = await server.drain(config.shutdownDeadlineMs);
        await http.close();
        // every call has settled (acked, failed or cancelled): nothing is left to flush
        await connection.close();
        await watching;
        logger.info({ forced: result.forced }, 'ingress stopped');
        return result;
      },
    };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

/** Feeds the server the client's connection state until the connection closes. */
async function followConnection(connection: NatsConnection, server: EventIngressServer, logger: Logger): Promise<void> {
  try {
    for await (const event of connection.status()) {
      if (event.type === 'disconnect') server.setNatsConnected(false);
      else if (event.type === 'reconnect') server.setNatsConnected(true);
    }
  } catch (error) {
    logger.error({ err: error }, 'NATS status stream failed');
  }
}
