import type { DatabaseTimeoutKind } from '@goals/domain';

/**
 * Recognises a timeout anywhere in an error's cause chain (pg, pg-pool, or
 * Prisma's wrapping of them), by the SQLSTATEs and messages those libraries
 * use: 57014 "canceling statement due to statement timeout", 55P03
 * lock_not_available, 25P03 idle_in_transaction_session_timeout, pg's "Query
 * read timeout", pg-pool's "timeout exceeded when trying to connect", pg's
 * "Connection terminated due to connection timeout".
 */
export function timeoutKindOf(error: unknown): DatabaseTimeoutKind | undefined {
  const seen = new Set<unknown>();
  for (let current: unknown = error; isObject(current) && !seen.has(current); current = next(current)) {
    seen.add(current);
    const code = typeof current.code === 'string' ? current.code : typeof current.originalCode === 'string' ? current.originalCode : undefined;
    const message = typeof current.message === 'string' ? current.message : '';
    if (code === '55P03' || /lock timeout/i.test(message)) return 'lock';
    if ((code === '57014' && /statement timeout/i.test(message)) || /canceling statement due to statement timeout/i.test(message)) return 'statement';
    if (code === '25P03' || /idle-in-transaction timeout/i.test(message)) return 'idle-in-transaction';
    if (/Query read timeout/.test(message)) return 'no-answer';
    if (/timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(message)) return 'connect';
  }
  return undefined;
}

function next(error: Record<string, unknown>): unknown {
  if (error.cause !== undefined) return error.cause;
  const meta = error.meta;
  if (isObject(meta) && isObject(meta.driverAdapterError)) return meta.driverAdapterError;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
