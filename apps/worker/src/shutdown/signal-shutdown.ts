import type { Logger } from 'pino';

/**
 * SIGTERM/SIGINT for a running worker, the same for every source. States:
 * running → stopping (first signal: stop reading, let the final flush commit,
 * and arm a deadline so a flush stuck on a lock or a dead host cannot keep
 * the process alive) → exit 130 on a second signal (committed work is safe;
 * the rest is read again on the next start). `started` is an object field,
 * not a local, because status loops read it after awaits.
 */
export class SignalShutdown {
  #started = false;
  readonly #handler: (signal: NodeJS.Signals) => void;
  readonly #installed: boolean;

  constructor(options: { logger: Logger; stopWorker: () => void; deadlineMs: number; handleSignals: boolean }) {
    const { logger, stopWorker, deadlineMs } = options;
    this.#handler = (signal) => {
      if (this.#started) {
        logger.warn({ signal }, 'second signal: exiting without the final flush');
        process.exit(130);
      }
      this.#started = true;
      logger.info({ signal }, 'signal received');
      stopWorker();
      setTimeout(() => {
        logger.error({ deadlineMs }, 'shutdown deadline passed; exiting without the final flush');
        process.exit(1);
      }, deadlineMs + 2_000).unref();
    };
    this.#installed = options.handleSignals;
    if (this.#installed) {
      process.on('SIGTERM', this.#handler);
      process.on('SIGINT', this.#handler);
    }
  }

  get started(): boolean {
    return this.#started;
  }

  /** the run is ending for another reason: later signals count as a second one */
  markStarted(): void {
    this.#started = true;
  }

  dispose(): void {
    if (!this.#installed) return;
    process.off('SIGTERM', this.#handler);
    process.off('SIGINT', this.#handler);
  }
}
