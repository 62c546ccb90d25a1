import { DatabaseError } from './database-error.js';

/**
 * Which bound was hit (each has a default in createPool and a knob):
 * - `connect`: opening a connection, or waiting for a free one in a full pool
 *   (`connectionTimeoutMillis`; pg-pool reports both the same way);
 * - `statement`: the server cancelled a statement (`statement_timeout`);
 * - `lock`: the server gave up waiting for a lock (`lock_timeout`);
 * - `no-answer`: the server did not answer at all (`query_timeout`, the
 *   client-side bound for a peer that stopped answering);
 * - `idle-in-transaction`: the server ended a transaction left idle
 *   (`idle_in_transaction_session_timeout`).
 */
export type DatabaseTimeoutKind = 'connect' | 'statement' | 'lock' | 'no-answer' | 'idle-in-transaction';

/** A wait on the database hit its bound (code DATABASE_TIMEOUT); still a DatabaseError. Retrying later may succeed. */
export class DatabaseTimeoutError extends DatabaseError {
  constructor(
    operation: string,
    readonly timeout: DatabaseTimeoutKind,
    cause: unknown,
  ) {
    super(operation, cause, 'DATABASE_TIMEOUT', `${DESCRIPTION[timeout]}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const DESCRIPTION: Record<DatabaseTimeoutKind, string> = {
  connect: 'no connection within connectionTimeoutMillis (the server is unreachable, or every pooled connection is in use)',
  statement: 'the statement ran longer than statement_timeout',
  lock: 'a lock was not granted within lock_timeout',
  'no-answer': 'the server did not answer within query_timeout (network stall or a stopped server)',
  'idle-in-transaction': 'the server ended a transaction left idle longer than idle_in_transaction_session_timeout',
};
