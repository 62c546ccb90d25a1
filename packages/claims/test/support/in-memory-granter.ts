import type { GrantRequest, RewardGranter } from '../../src/index.js';

/**
 * A granter that keeps its grants in memory and deduplicates on the
 * idempotency key, as the RewardGranter contract asks of real ones.
 * `failNext` queues errors thrown by the next calls, before any grant.
 */
export class InMemoryGranter implements RewardGranter {
  /** Every call, failed or not, in order. */
  readonly calls: Omit<GrantRequest, 'signal'>[] = [];
  /** Grants that took effect, by idempotency key. */
  readonly grants = new Map<string, Omit<GrantRequest, 'signal'>>();
  readonly #queuedFailures: Error[] = [];

  failNext(...errors: Error[]): this {
    this.#queuedFailures.push(...errors);
    return this;
  }

  async grant({ signal: _signal, ...request }: GrantRequest): Promise<void> {
    this.calls.push(request);
    const failure = this.#queuedFailures.shift();
    if (failure !== undefined) throw failure;
    if (!this.grants.has(request.idempotencyKey)) this.grants.set(request.idempotencyKey, request);
  }
}
