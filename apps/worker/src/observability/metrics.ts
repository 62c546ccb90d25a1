import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type EventOutcome = 'applied' | 'ignored' | 'dead_lettered';

/** The worker's Prometheus metrics, on a registry of its own (tests create many workers). */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({ name: 'goals_worker_events_total', help: 'Source records by outcome', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly bufferRows = new Gauge({ name: 'goals_worker_buffer_rows', help: 'Distinct (user, goal) rows waiting to be flushed', registers: [this.registry] });
  readonly flushDuration = new Histogram({
    name: 'goals_worker_flush_duration_seconds',
    help: 'Time to write one buffer and its source positions in one transaction',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rowsWritten = new Counter({ name: 'goals_worker_rows_written_total', help: 'Progress rows written, by write kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'goals_worker_dead_letters_total', help: 'Dead letters written, by error code', labelNames: ['code'] as const, registers: [this.registry] });
  readonly flushRetries = new Counter({ name: 'goals_worker_flush_retries_total', help: 'Flushes retried after a transient database error', registers: [this.registry] });
  readonly sourcePosition = new Gauge({ name: 'goals_worker_source_position', help: 'Last committed source position', labelNames: ['partition'] as const, registers: [this.registry] });
  readonly sourceLag = new Gauge({ name: 'goals_worker_source_lag', help: 'How far reading is behind the end of the source (bytes or messages)', registers: [this.registry] });
  // shared JetStream partitions (--source jetstream)
  readonly partitionEpoch = new Gauge({
    name: 'goals_worker_partition_lease_epoch',
    help: 'Epoch of each partition lease, labelled with its owner ("" = free) as the database last showed it',
    labelNames: ['partition', 'owner'] as const,
    registers: [this.registry],
  });
  readonly partitionLag = new Gauge({
    name: 'goals_worker_partition_lag',
    help: "The stream's last sequence on the partition's subject minus the stored position (stream sequence units)",
    labelNames: ['partition'] as const,
    registers: [this.registry],
  });
  readonly partitionsHeld = new Gauge({ name: 'goals_worker_partitions_held', help: 'Partitions this worker holds a lease on', registers: [this.registry] });
  readonly fairShare = new Gauge({ name: 'goals_worker_partitions_fair_share', help: 'ceil(partitions / live workers)', registers: [this.registry] });
  readonly leaseAcquisitions = new Counter({ name: 'goals_worker_lease_acquisitions_total', help: 'Partition leases acquired (each one a new epoch)', registers: [this.registry] });
  readonly leaseTakeovers = new Counter({ name: 'goals_worker_lease_takeovers_total', help: 'Acquisitions of a lease another worker let expire', registers: [this.registry] });
  readonly leaseLosses = new Counter({ name: 'goals_worker_lease_losses_total', help: 'Leases this worker lost to another (its uncommitted work for the partition dropped)', registers: [this.registry] });
  readonly natsReconnects = new Counter({ name: 'goals_worker_nats_reconnects_total', help: 'Times the NATS connection came back after a disconnect (the client reconnects forever)', registers: [this.registry] });
  readonly leaseReleases = new Counter({ name: 'goals_worker_lease_releases_total', help: 'Leases given back (fair share shrank, or shutdown)', registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
