/** What the helper logs through: pino's `logger.info(fields, message)` shape, so a pino logger fits as it is. */
export interface ShutdownLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ShutdownSignalsOptions {
  log: ShutdownLog;
  /** Starts the graceful stop (stop reading, let the final work commit); called once, on the first signal. */
  onFirstSignal: (signal: NodeJS.Signals) => void;
  /** The graceful stop's own deadline; the process exits 1 this long plus `graceMs` after the first signal. */
  deadlineMs: number;
  /** Slack past `deadlineMs` for the caller to fail on its own deadline and report it first (default 2 s). */
  graceMs?: number;
  /** false: install nothing (an embedding program handles signals itself). Default true. */
  install?: boolean;
  /** What stopping the process means (tests pass a recorder). Default `process.exit`. */
  exit?: (code: number) => void;
  /** What the graceful stop is, for the log lines (default "the graceful stop"). */
  work?: string;
}

/** Exit code on a second signal: 128 + SIGINT, what a shell reports for an interrupted command. */
export const SECOND_SIGNAL_EXIT_CODE = 130;
/** Exit code when the graceful stop outlived its deadline: a failure worth retrying (the work is replayed). */
export const SHUTDOWN_DEADLINE_EXIT_CODE = 1;

/**
 * SIGTERM/SIGINT for a long-running process, the same everywhere. States:
 * running → stopping (first signal: `onFirstSignal`, and a deadline is armed
 * so a stop stuck on a lock or a dead host cannot keep the process alive:
 * exit 1 after `deadlineMs + graceMs`) → exit 130 on a second signal. A
 * process ending for another reason calls `markStopping()`, so a signal then
 * counts as the second. `dispose()` removes the handlers (the deadline timer
 * is unref'd: it never keeps a finished process alive).
 */
export class ShutdownSignals {
  #stopping = false;
  readonly #options: ShutdownSignalsOptions;
  readonly #installed: boolean;
  readonly #handler = (signal: NodeJS.Signals): void => this.#onSignal(signal);

  constructor(options: ShutdownSignalsOptions) {
    this.#options = options;
    this.#installed = options.install ?? true;
    if (this.#installed) {
      process.on('SIGTERM', this.#handler);
      process.on('SIGINT', this.#handler);
    }
  }

  /** A first signal arrived, or `markStopping()` was called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** The process is ending for another reason: a signal from now on exits at once. */
  markStopping(): void {
    this.#stopping = true;
  }

  dispose(): void {
    if (!this.#installed) return;
    process.off('SIGTERM', this.#handler);
    process.off('SIGINT', this.#handler);
  }

  #onSignal(signal: NodeJS.Signals): void {
    const { log, deadlineMs } = this.#options;
    const exit = this.#options.exit ?? ((code: number) => process.exit(code));
    const work = this.#options.work ?? 'the graceful stop';
    if (this.#stopping) {
      log.warn({ signal }, `second signal: exiting without ${work}`);
      exit(SECOND_SIGNAL_EXIT_CODE);
      return;
    }
    this.#stopping = true;
    log.info({ signal }, 'signal received');
    this.#options.onFirstSignal(signal);
    setTimeout(() => {
      log.error({ deadlineMs }, `shutdown deadline passed; exiting without ${work}`);
      exit(SHUTDOWN_DEADLINE_EXIT_CODE);
    }, deadlineMs + (this.#options.graceMs ?? 2_000)).unref();
  }
}
