import { connectToNats, ensureEventStream } from '@goals/event-stream';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { resolveIngressConfig, type IngressConfig } from '../../src/config/ingress-config.js';
import { IngressMetrics } from '../../src/observability/metrics.js';
import { startIngress, type RunningIngress } from '../../src/run-ingress.js';
import { AgsClient } from './ags-client.js';

/** null (after one line naming what to install) when nats-server is missing; throws instead with GOALS_REQUIRE_NATS=1. */
export const natsBinary = natsServerForTests();

export interface IngressHarness {
  nats: PrivateNatsServer;
  /** The test's own connection, to read the stream back. */
  observer: NatsConnection;
  ingress: RunningIngress;
  client: AgsClient;
  dispose(): Promise<void>;
}

/** A private nats-server with the event stream (P partitions), an in-process ingress on free ports, and a gRPC client. */
export async function startHarness(settings: Partial<Record<keyof IngressConfig, unknown>> = {}, partitions = 4): Promise<IngressHarness> {
  if (natsBinary === null) throw new Error('unreachable: the suite is skipped without nats-server');
  const nats = await startPrivateNatsServer(natsBinary);
  const observer = await connectToNats({ servers: nats.url, name: 'test-observer' });
  await ensureEventStream(observer, { partitions });
  const config = resolveIngressConfig({ grpcHost: '127.0.0.1', grpcPort: 0, metricsHost: '127.0.0.1', metricsPort: 0, natsServers: nats.url, logLevel: 'silent', ...settings }, {});
  const ingress = await startIngress(config, { logger: pino({ level: 'silent' }), metrics: new IngressMetrics({ defaultMetrics: false }) });
  const client = new AgsClient(`127.0.0.1:${ingress.grpcPort}`);
  return {
    nats,
    observer,
    ingress,
    client,
    async dispose() {
      client.close();
      await ingress.stop();
      await observer.close();
      await nats.dispose();
    },
  };
}
