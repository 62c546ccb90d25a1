import type pg from 'pg';
import { createStagingTables } from '../sql/create-staging-tables.js';
import type { StagingTable } from '../sql/staging-tables.js';
import { truncateStagingTable } from '../sql/truncate-staging-table.js';

/**
 * Connections whose session has the COPY staging tables. A table created in
 * a transaction that rolls back disappears with it, so a connection joins this
 * set only when that transaction commits.
 */
const connectionsWithStagingTables = new WeakSet<pg.ClientBase>();

/**
 * One transaction in progress on one connection (BEGIN already sent), as the
 * multi-statement operations (COPY, batches split into rounds) see it.
 */
export class OpenTransaction {
  readonly client: pg.PoolClient;
  #createdStagingTables = false;
  readonly #usedStagingTables = new Set<StagingTable>();

  constructor(client: pg.PoolClient) {
    this.client = client;
  }

  /** The staging table exists and is empty: two COPY calls in one transaction are independent. */
  async prepareStaging(table: StagingTable): Promise<void> {
    if (this.#usedStagingTables.has(table)) {
      await truncateStagingTable(this.client, table);
      return;
    }
    if (!this.#createdStagingTables && !connectionsWithStagingTables.has(this.client)) {
      await createStagingTables(this.client);
      this.#createdStagingTables = true;
    }
    this.#usedStagingTables.add(table);
  }

  /** Call once COMMIT succeeded. */
  committed(): void {
    if (this.#createdStagingTables) connectionsWithStagingTables.add(this.client);
  }
}
