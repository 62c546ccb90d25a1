import type pg from 'pg';

// Raw SQL: GROUPING SETS (per namespace, and '' for all of them) has no Prisma
// form. Read from reporting_players (one row per player and namespace, just
// filled in this transaction) instead of scanning the progress table again.
const INSERT_NAMESPACE_PLAYERS = `
INSERT INTO reporting_namespace_players (namespace, players)
SELECT coalesce(namespace, ''), count(DISTINCT user_id)
FROM reporting_players
GROUP BY GROUPING SETS ((namespace), ())`;

export async function insertNamespacePlayers(client: pg.ClientBase): Promise<void> {
  await client.query(INSERT_NAMESPACE_PLAYERS);
}
