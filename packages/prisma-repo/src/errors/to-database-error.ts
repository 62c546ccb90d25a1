import { DatabaseError, DatabaseTimeoutError, GoalError } from '@goals/domain';
import { timeoutKindOf } from './timeout-kind-of.js';

/**
 * Errors of this family pass through; anything else is a database failure of
 * `operation`. Prisma wraps PostgreSQL's error (its own code, e.g. P2010, is
 * not a SQLSTATE), so the SQLSTATE is dug out of it for DatabaseError.sqlState,
 * keeping Prisma's error as the cause.
 */
export function toDatabaseError(operation: string, error: unknown): GoalError {
  if (error instanceof GoalError) return error;
  const timeout = timeoutKindOf(error);
  if (timeout !== undefined) return new DatabaseTimeoutError(operation, timeout, error);
  const sqlState = prismaSqlState(error);
  if (sqlState === undefined) return new DatabaseError(operation, error);
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseError(operation, Object.assign(new Error(message, { cause: error }), { code: sqlState }));
}

function prismaSqlState(error: unknown): string | undefined {
  if (!isObject(error) || typeof error.code !== 'string' || !/^P\d{4}$/.test(error.code)) return undefined;
  const meta = error.meta;
  if (!isObject(meta)) return undefined;
  const candidates = [meta.code, isObject(meta.driverAdapterError) ? findOriginalCode(meta.driverAdapterError) : undefined];
  return candidates.find((c): c is string => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c));
}

function findOriginalCode(driverError: Record<string, unknown>): unknown {
  const cause = driverError.cause;
  return isObject(cause) ? cause.originalCode : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
