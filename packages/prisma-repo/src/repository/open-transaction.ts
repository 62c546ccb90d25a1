import type pg from 'pg';
import { createUpsertStagingTable } from '../sql/create-upsert-staging-table.js';
import { truncateUpsertStagingTable } from '../sql/truncate-upsert-staging-table.js';

/**
 * Connections whose session has the COPY staging table. A table created in a
 * transaction that rolls back disappears with it, so a connection joins this
 * set only when that transaction commits.
 */
const connectionsWithStagingTable = new WeakSet<pg.ClientBase>();

/**
 * One transaction in progress on one connection (BEGIN already sent), as the
 * multi-statement operations (COPY, batches split into rounds) see it.
 */
export class OpenTransaction {
  readonly client: pg.PoolClient;
  #createdStagingTable = false;
  #usedStagingTable = false;

  constructor(client: pg.PoolClient) {
    this.client = client;
  }

  /** The staging table exists and is empty: two COPY calls in one transaction are independent. */
  async prepareUpsertStaging(): Promise<void> {
    if (this.#usedStagingTable) {
      await truncateUpsertStagingTable(this.client);
      return;
    }
    if (!connectionsWithStagingTable.has(this.client)) {
      await createUpsertStagingTable(this.client);
      this.#createdStagingTable = true;
    }
    this.#usedStagingTable = true;
  }

  /** Call once COMMIT succeeded. */
  committed(): void {
    if (this.#createdStagingTable) connectionsWithStagingTable.add(this.client);
  }
}
