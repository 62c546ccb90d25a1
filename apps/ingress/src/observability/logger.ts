import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stderr (pino), as the worker writes them. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'goals-ingress' } }, pino.destination({ fd: 2, sync: false }));
}
