import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How one OnMessage call ended (the gRPC status it got follows from it). */
export type CallOutcome = 'stored' | 'duplicate' | 'ignored' | 'invalid' | 'unavailable' | 'exhausted';

/** The ingress's Prometheus metrics, on a registry of its own (tests start many ingresses). */
export class IngressMetrics {
  readonly registry = new Registry();
  readonly calls = new Counter({
    name: 'goals_ingress_calls_total',
    help: 'OnMessage calls by event kind and outcome (stored/duplicate/ignored: OK; invalid: INVALID_ARGUMENT; unavailable: UNAVAILABLE; exhausted: RESOURCE_EXHAUSTED)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly adjustments = new Counter({
    name: 'goals_ingress_adjustments_total',
    help: 'What the AGS rules changed in accepted events: fraction_dropped, negative_value, id_derived, time_received',
    labelNames: ['kind', 'adjustment'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({ name: 'goals_ingress_in_flight', help: 'Calls waiting for their JetStream ack', registers: [this.registry] });
  readonly callDuration = new Histogram({
    name: 'goals_ingress_call_duration_seconds',
    help: 'From the call arriving to its answer, for calls answered OK after a stream ack',
    labelNames: ['kind'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly natsConnected = new Gauge({ name: 'goals_ingress_nats_connected', help: '1 while the NATS connection is up', registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
