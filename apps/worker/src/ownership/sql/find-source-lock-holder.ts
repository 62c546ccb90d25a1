import type pg from 'pg';

export interface SourceLockHolder {
  pid: number;
  applicationName: string;
  clientAddress: string | null;
  since: Date | null;
}

/** Who holds an advisory lock (a bigint key is split into classid = high 32 bits, objid = low 32 bits, objsubid = 1). */
export async function findSourceLockHolder(client: pg.ClientBase, key: bigint): Promise<SourceLockHolder | undefined> {
  const { rows } = await client.query<SourceLockHolder>(
    `SELECT a.pid, a.application_name AS "applicationName", host(a.client_addr) AS "clientAddress", a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid = (($1::bigint >> 32) & 4294967295)::oid AND l.objid = ($1::bigint & 4294967295)::oid
      LIMIT 1`,
    [key.toString()],
  );
  return rows[0];
}
