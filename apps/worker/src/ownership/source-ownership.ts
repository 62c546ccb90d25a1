import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { retryWithBackoff, sleep, type BackoffPolicy } from '@goals/runtime';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { SourceRefusedError } from '../sources/source-refused-error.js';
import { findSourceLockHolder } from './sql/find-source-lock-holder.js';
import { tryLockSource } from './sql/try-lock-source.js';
import { unlockSource } from './sql/unlock-source.js';

/**
 * Exactly one worker consumes a source at a time: it holds a PostgreSQL
 * session advisory lock keyed on the source name (and, for a file, on its
 * content fingerprint, so a copy under another path started at the same
 * instant is refused too) on a connection of its own, for the whole run. A
 * second worker started at the same instant fails to take the lock and stops
 * before reading (`SOURCE_OWNED_ELSEWHERE`, naming the holder), instead of
 * both reading to the end and both reporting every event as theirs.
 *
 * States: held → (the lock connection is lost: a database restart, a network
 * cut) re-taking → held again, or lost for good when another worker took the
 * lock meanwhile (`onLost`; the caller stops). While re-taking, the flushes'
 * compare-and-set positions still keep the data right. No leases, no
 * heartbeats: the server drops the lock when the session ends, a crashed
 * worker included.
 */
export class SourceOwnership {
  readonly #url: string;
  readonly #keys: readonly { name: string; key: bigint }[];
  readonly #logger: Logger;
  readonly #onLost: (error: Error) => void;
  #client: pg.Client | undefined;
  #state: 'held' | 're-taking' | 'released' | 'lost' = 'released';
  /** Set while re-taking: ends the wait between attempts. */
  #stopRetaking: (() => void) | undefined;

  private constructor(url: string, names: readonly string[], logger: Logger, onLost: (error: Error) => void) {
    this.#url = url;
    this.#keys = names.map((name) => ({ name, key: lockKey(name) }));
    this.#logger = logger;
    this.#onLost = onLost;
  }

  /** Takes every lock or none; `names` = what must have one owner (`source:<name>`, `content:<fingerprint>`). */
  static async acquire(url: string, names: readonly string[], logger: Logger, onLost: (error: Error) => void): Promise<SourceOwnership> {
    const ownership = new SourceOwnership(url, names, logger, onLost);
    await ownership.#take();
    return ownership;
  }

  get state(): 'held' | 're-taking' | 'released' | 'lost' {
    return this.#state;
  }

  async release(): Promise<void> {
    const client = this.#client;
    this.#state = 'released';
    this.#stopRetaking?.();
    this.#client = undefined;
    if (client === undefined) return;
    try {
      for (const { key } of this.#keys) await unlockSource(client, key);
    } catch {
      // the session ending below drops the locks anyway
    }
    await client.end().catch(() => undefined);
  }

  async #take(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: `goals-worker pid ${process.pid} on ${hostname()}`.slice(0, 63),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 10_000,
      query_timeout: 30_000,
    });
    client.on('error', () => undefined);
    await client.connect();
    const taken: bigint[] = [];
    try {
      for (const { name, key } of this.#keys) {
        if (await tryLockSource(client, key)) {
          taken.push(key);
          continue;
        }
        const holder = await findSourceLockHolder(client, key);
        const who = holder === undefined ? 'another worker' : `${holder.applicationName || 'another session'} (PostgreSQL backend ${holder.pid}${holder.clientAddress === null ? '' : ` from ${holder.clientAddress}`}${holder.since === null ? '' : `, connected since ${holder.since.toISOString()}`})`;
        throw new SourceRefusedError('SOURCE_OWNED_ELSEWHERE', `${name} is being consumed by ${who}; one worker per source — stop that one first, or wait for it to finish`);
      }
    } catch (error) {
      for (const key of taken) await unlockSource(client, key).catch(() => undefined);
      await client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    this.#state = 'held';
    client.once('end', () => {
      if (this.#client === client && this.#state === 'held') void this.#retake();
    });
  }

  /** Read through a method: release() may change the state while #retake awaits, which narrowing cannot see. */
  #isRetaking(): boolean {
    return this.#state === 're-taking';
  }

  async #retake(): Promise<void> {
    this.#state = 're-taking';
    this.#client = undefined;
    this.#logger.warn('lost the connection holding the source lock; taking it again');
    // release() aborts the wait: a finished run does not sit out a backoff
    const released = new AbortController();
    this.#stopRetaking = () => released.abort();
    try {
      // a first wait before the first attempt: the session that held the lock may not be gone on the server yet
      if (!(await sleep(FIRST_RETAKE_DELAY_MS, released.signal, { ref: false }))) return;
      await retryWithBackoff(
        async () => {
          if (!this.#isRetaking()) return;
          await this.#take();
          this.#logger.info('source lock taken again');
        },
        { backoff: RETAKE_BACKOFF, signal: released.signal, ref: false, retryIf: (error) => !(error instanceof SourceRefusedError) && this.#isRetaking() },
      );
    } catch (error) {
      if (error instanceof SourceRefusedError && this.#isRetaking()) {
        this.#state = 'lost';
        this.#onLost(error);
      }
      // otherwise released while the database was still away: nothing to take any more
    } finally {
      this.#stopRetaking = undefined;
    }
  }
}

/** Waits to take the lock again while the database is away: 200 ms before the first attempt, then 400 ms, 800 ms … 5 s between attempts. */
const FIRST_RETAKE_DELAY_MS = 200;
const RETAKE_BACKOFF: BackoffPolicy = { baseMs: 2 * FIRST_RETAKE_DELAY_MS, maxMs: 5_000 };

/** A 64-bit advisory lock key for a name (SHA-256 prefix: different names practically never collide). */
export function lockKey(name: string): bigint {
  return createHash('sha256').update(`goals-worker:${name}`).digest().readBigInt64BE(0);
}
