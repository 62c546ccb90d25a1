import pg from 'pg';
import { withDatabaseName } from '../connection/database-url.js';
import { migrate } from '../migrations/migrate.js';
import { readMigrationFiles } from '../migrations/migration-file.js';
import { migrationsFingerprint } from '../migrations/migrations-fingerprint.js';

// Serialises template building between test runs sharing one server (say,
// two packages' test runs against DATABASE_URL at once). Any constant works:
// it only has to differ from the keys the application locks on.
const TEMPLATE_BUILD_LOCK_KEY = 1_735_352_684;

/**
 * A database migrated once per migration history, named after its
 * fingerprint, and marked IS_TEMPLATE only after migrate succeeded — so a
 * template left half-built by a crash is recognised and rebuilt, and one
 * built from other migrations is never reused. ALLOW_CONNECTIONS false keeps
 * stray sessions out: any session on a template makes CREATE DATABASE fail.
 */
export async function prepareTemplateDatabase(adminUrl: string, migrationsDir: string): Promise<string> {
  const name = `goals_template_${migrationsFingerprint(await readMigrationFiles(migrationsDir))}`;
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock($1)`, [TEMPLATE_BUILD_LOCK_KEY]);
    const identifier = client.escapeIdentifier(name);
    const { rows } = await client.query<{ datistemplate: boolean }>(
      `SELECT datistemplate FROM pg_database WHERE datname = $1`,
      [name],
    );
    if (rows[0]?.datistemplate === true) return name;
    if (rows[0]) await client.query(`DROP DATABASE ${identifier} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${identifier} TEMPLATE template0`);
    await migrate(withDatabaseName(adminUrl, name), { migrationsDir });
    await client.query(`ALTER DATABASE ${identifier} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    return name;
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end();
  }
}
