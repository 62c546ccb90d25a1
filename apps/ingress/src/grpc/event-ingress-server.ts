import { formatNativeEvent, parseGameEvent, type AgsEventName, type EventParseResult } from '@goals/domain';
import { EventStreamError, type EventPublisher } from '@goals/event-stream';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Readiness } from '@goals/runtime';
import type { Logger } from '../observability/logger.js';
import type { CallOutcome, IngressMetrics } from '../observability/metrics.js';
import type { AgsProtocol } from '../protocol/ags-protocol.js';
import { withoutProtoDefaults } from '../protocol/proto-defaults.js';

export interface EventIngressOptions {
  protocol: AgsProtocol;
  /** Where accepted events go; `storeLine` resolves once the stream holds the message. */
  publisher: Pick<EventPublisher, 'storeLine'>;
  metrics: IngressMetrics;
  logger: Logger;
  /** Calls waiting for their stream ack at once; one more is answered RESOURCE_EXHAUSTED. */
  maxInFlight: number;
  /** The deployment's AGS namespace: events of another namespace are answered OK and not stored. */
  namespace?: string;
}

/** What a call is answered: OK, or a gRPC error status with its details. */
type Answer = { code: status.OK; outcome: CallOutcome } | { code: status; outcome: CallOutcome; details: string };

/**
 * The Extend event-handler services (one per AGS event kind) on a gRPC
 * server, with the health and reflection services beside them.
 *
 * Modes, in this order only: created → serving (listen) → draining (drain:
 * health NOT_SERVING, new calls UNAVAILABLE, calls in flight still get their
 * ack) → stopped. Independently, `#natsConnected` follows the NATS
 * connection: while it is down every call is UNAVAILABLE at once, and health
 * says NOT_SERVING, so AGS retries instead of waiting on a publish that
 * cannot be acknowledged.
 *
 * The one rule the rest serves: OK only after the stream acknowledged the
 * message (stored now, or already held under the same Nats-Msg-Id).
 */
export class EventIngressServer {
  #mode: 'created' | 'serving' | 'draining' | 'stopped' = 'created';
  #inFlight = 0;
  #natsConnected = true;
  readonly #options: EventIngressOptions;
  readonly #server = new Server();
  readonly #health: HealthImplementation;

  constructor(options: EventIngressOptions) {
    this.#options = options;
    const { protocol } = options;
    this.#health = new HealthImplementation(Object.fromEntries(['', ...protocol.services.map((s) => s.serviceName)].map((name) => [name, 'NOT_SERVING' satisfies ServingStatus])));
    this.#health.addToServer(this.#server);
    new ReflectionService(protocol.packageDefinition).addToServer(this.#server);
    for (const service of protocol.services) {
      const implementation: UntypedServiceImplementation = {
        OnMessage: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
          this.#answer(service.kind, call.request).then(
            (answer) => {
              if (answer.code === status.OK) callback(null, {});
              else callback({ code: answer.code, details: 'details' in answer ? answer.details : '' }, null);
            },
            (error: unknown) => {
              // a bug, not the caller's fault: answered (never left hanging) and logged
              options.logger.error({ err: error }, 'OnMessage failed');
              callback({ code: status.INTERNAL, details: `the ingress failed: ${error instanceof Error ? error.message : String(error)}; retry` }, null);
            },
          );
        },
      };
      this.#server.addService(service.definition, implementation);
    }
    options.metrics.natsConnected.set(1);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async listen(host: string, port: number): Promise<number> {
    if (this.#mode !== 'created') throw new Error(`listen() in mode ${this.#mode}`);
    const bound = await new Promise<number>((resolve, reject) => {
      this.#server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (error, actualPort) => (error === null ? resolve(actualPort) : reject(error)));
    });
    this.#mode = 'serving';
    this.#publishHealth();
    return bound;
  }

  /** Follows the NATS connection (the caller feeds it the client's status events). */
  setNatsConnected(connected: boolean): void {
    if (this.#natsConnected === connected) return;
    this.#natsConnected = connected;
    this.#options.metrics.natsConnected.set(connected ? 1 : 0);
    this.#options.logger[connected ? 'info' : 'warn']({ connected }, connected ? 'NATS connection back: serving' : 'NATS connection lost: answering UNAVAILABLE until it is back');
    this.#publishHealth();
  }

  readiness(): Readiness {
    if (this.#mode !== 'serving') return { ready: false, reason: `not serving (${this.#mode})` };
    if (!this.#natsConnected) return { ready: false, reason: 'NATS unreachable: calls are answered UNAVAILABLE' };
    return { ready: true, reason: 'ready' };
  }

  /**
   * Stops taking calls and lets the ones in flight get their ack; after
   * `deadlineMs` the rest are cancelled (their callers see an error and
   * retry, and a message stored meanwhile is a duplicate of the retry).
   */
  async drain(deadlineMs: number): Promise<{ forced: boolean }> {
    if (this.#mode === 'stopped' || this.#mode === 'created') {
      this.#mode = 'stopped';
      return { forced: false };
    }
    this.#mode = 'draining';
    this.#publishHealth();
    let timer: NodeJS.Timeout | undefined;
    const forced = await Promise.race([
      new Promise<boolean>((resolve) => this.#server.tryShutdown(() => resolve(false))),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (forced) this.#server.forceShutdown();
    this.#mode = 'stopped';
    return { forced };
  }

  #publishHealth(): void {
    const serving: ServingStatus = this.#mode === 'serving' && this.#natsConnected ? 'SERVING' : 'NOT_SERVING';
    this.#health.setStatus('', serving);
    for (const service of this.#options.protocol.services) this.#health.setStatus(service.serviceName, serving);
  }

  async #answer(kind: AgsEventName, request: unknown): Promise<Answer> {
    const started = performance.now();
    const answer = await this.#store(kind, request);
    const { metrics } = this.#options;
    metrics.calls.inc({ kind, outcome: answer.outcome });
    if (answer.code === status.OK && answer.outcome !== 'ignored') metrics.callDuration.observe({ kind }, (performance.now() - started) / 1000);
    return answer;
  }

  async #store(kind: AgsEventName, request: unknown): Promise<Answer> {
    if (this.#mode !== 'serving') return { code: status.UNAVAILABLE, outcome: 'unavailable', details: 'the ingress is shutting down: nothing was stored; retry on another instance' };
    if (!this.#natsConnected) return { code: status.UNAVAILABLE, outcome: 'unavailable', details: 'NATS is unreachable: nothing was stored; retry' };
    if (this.#inFlight >= this.#options.maxInFlight) {
      return { code: status.RESOURCE_EXHAUSTED, outcome: 'exhausted', details: `${this.#inFlight} calls are waiting for their stream ack (the limit): nothing was stored; retry` };
    }
    const parsed = parseGameEvent(withoutProtoDefaults(request), { sourceKind: kind, receivedAt: new Date(), ...(this.#options.namespace === undefined ? {} : { namespace: this.#options.namespace }) });
    if (!parsed.ok) {
      // another deployment's namespace is not an error of the caller: the Go handler answers it OK too
      if (parsed.ignored === true) return { code: status.OK, outcome: 'ignored' };
      return { code: status.INVALID_ARGUMENT, outcome: 'invalid', details: `event refused: ${parsed.reason}` };
    }
    this.#meterAdjustments(kind, parsed);
    this.#inFlight += 1;
    this.#options.metrics.inFlight.set(this.#inFlight);
    try {
      const stored = await this.#options.publisher.storeLine(formatNativeEvent(parsed.event));
      return { code: status.OK, outcome: stored.duplicate ? 'duplicate' : 'stored' };
    } catch (error) {
      if (error instanceof EventStreamError && error.code === 'EVENT_REFUSED') return { code: status.INVALID_ARGUMENT, outcome: 'invalid', details: error.message };
      this.#options.logger.warn({ err: error, eventId: parsed.event.id }, 'event not stored: answered UNAVAILABLE');
      return { code: status.UNAVAILABLE, outcome: 'unavailable', details: `the event stream did not store the event (${error instanceof Error ? error.message : String(error)}); retry` };
    } finally {
      this.#inFlight -= 1;
      this.#options.metrics.inFlight.set(this.#inFlight);
    }
  }

  #meterAdjustments(kind: AgsEventName, parsed: Extract<EventParseResult, { ok: true }>): void {
    const { adjustments } = this.#options.metrics;
    if (parsed.adjustments.fractionsDropped > 0) adjustments.inc({ kind, adjustment: 'fraction_dropped' }, parsed.adjustments.fractionsDropped);
    if (parsed.adjustments.negativeValues > 0) adjustments.inc({ kind, adjustment: 'negative_value' }, parsed.adjustments.negativeValues);
    if (parsed.event.idSource === 'content') adjustments.inc({ kind, adjustment: 'id_derived' });
    if (parsed.event.timeSource === 'received') adjustments.inc({ kind, adjustment: 'time_received' });
  }
}
