import pg from 'pg';

/**
 * Why a connection attempt failed, in words a person can act on. Node and
 * PostgreSQL report the same few causes in many shapes (errno codes, SQLSTATEs,
 * AggregateError when `localhost` resolves to both ::1 and 127.0.0.1).
 */
export function describeConnectionFailure(error: unknown): string {
  const cause = firstCause(error);
  if (cause instanceof pg.DatabaseError) {
    switch (cause.code) {
      case '28P01':
        return `authentication failed (28P01): ${cause.message}; check the user and password`;
      case '28000':
        return `not authorised (28000): ${cause.message}`;
      case '3D000':
        return `${cause.message} (3D000); create it or fix the database name in the URL`;
      case '57P03':
        return `the server is starting up or shutting down (57P03): ${cause.message}`;
      default:
        return `${cause.message} (${cause.code ?? 'no SQLSTATE'})`;
    }
  }
  const code = errnoCode(cause);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED); is PostgreSQL running and listening on that host and port?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not found (${code})`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `host unreachable (${code})`;
    case 'ECONNRESET':
      return 'the server closed the connection (ECONNRESET); does it expect TLS (sslmode) or is it PostgreSQL at all?';
    default:
      // any other code (or none): described from the message below
      break;
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/timeout/i.test(message)) return `connection timed out (${message})`;
  return code ? `${message} (${code})` : message;
}

function firstCause(error: unknown): unknown {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors[0];
  return error;
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
