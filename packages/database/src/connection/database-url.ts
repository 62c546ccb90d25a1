/** The same server and credentials, another database. */
export function withDatabaseName(connectionString: string, databaseName: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/** The database a URL points at (PostgreSQL's default is the user name, then `postgres`). */
export function databaseNameOf(connectionString: string): string {
  const url = new URL(connectionString);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return name !== '' ? name : decodeURIComponent(url.username) || 'postgres';
}
