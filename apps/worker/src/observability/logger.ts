import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr, so stdout stays free for the run summary. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'goals-worker' } }, pino.destination({ fd: 2, sync: false }));
}
