import { pino, type Logger } from 'pino';
import { loggedError } from './logged-error.js';

export type { Logger };

/** Structured JSON logs on stderr, so stdout stays free for the run summary; errors logged by a whitelist (logged-error.ts). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'goals-worker' }, serializers: { err: loggedError } }, pino.destination({ fd: 2, sync: false }));
}
