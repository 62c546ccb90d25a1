import pg from 'pg';
import { DatabaseUnreachableError } from '../errors/database-unreachable-error.js';
import { describeConnectionFailure } from './describe-connection-failure.js';
import { DatabaseUrlInvalidError } from '../errors/database-url-invalid-error.js';
import { explainUnparsableUrl } from './explain-unparsable-url.js';
import { maskConnectionUrl } from './mask-connection-url.js';

/** Connects once and runs `SELECT 1`; throws DatabaseUnreachableError with a one-line reason. */
export async function checkConnection(connectionString: string, timeoutMs = 5_000): Promise<void> {
  const unparsable = explainUnparsableUrl(connectionString);
  if (unparsable !== undefined) throw new DatabaseUrlInvalidError(unparsable);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    // a server or driver message may quote the connection string back
    const reason = maskCredentialsIn(describeConnectionFailure(error).replace(/\s+/g, ' '), connectionString);
    throw new DatabaseUnreachableError(maskConnectionUrl(connectionString), reason, { cause: error });
  } finally {
    // After a failed connect there is no session to close; end() may reject for that alone.
    await client.end().catch(() => {});
  }
}

function maskCredentialsIn(text: string, connectionString: string): string {
  return text.split(connectionString).join(maskConnectionUrl(connectionString));
}
