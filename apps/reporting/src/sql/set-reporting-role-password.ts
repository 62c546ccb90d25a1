import type pg from 'pg';
import { REPORTING_ROLE } from '../database/reporting-url.js';

/** ALTER ROLE takes no bind parameters: the password goes in as a quoted literal. Run as the owner. */
export async function setReportingRolePassword(client: pg.Client, password: string): Promise<void> {
  await client.query(`ALTER ROLE "${REPORTING_ROLE}" PASSWORD ${client.escapeLiteral(password)}`);
}
