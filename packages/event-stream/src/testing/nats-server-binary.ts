import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The one line a test suite prints when it cannot run for want of nats-server. */
export const NATS_SERVER_MISSING =
  'nats-server not found (set NATS_SERVER_BIN or put nats-server on PATH; Debian/Ubuntu: apt-get install nats-server, elsewhere https://github.com/nats-io/nats-server/releases): JetStream suites SKIPPED, not passed';

/**
 * Where nats-server is: NATS_SERVER_BIN, then PATH, then the Debian package's
 * /usr/sbin (not on a normal user's PATH). Null when none.
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.NATS_SERVER_BIN;
  if (explicit !== undefined && explicit !== '') return isExecutable(explicit) ? explicit : null;
  const directories = [...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/sbin', '/usr/local/sbin'];
  for (const directory of directories) {
    const candidate = join(directory, 'nats-server');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/**
 * For test suites: the binary, or null after printing NATS_SERVER_MISSING once
 * (the caller then marks its suite skipped). With GOALS_REQUIRE_NATS=1 (CI) a
 * missing binary throws instead, so the suite fails rather than skip.
 */
export function natsServerForTests(env: NodeJS.ProcessEnv = process.env): string | null {
  const binary = findNatsServerBinary(env);
  if (binary !== null) return binary;
  if (env.GOALS_REQUIRE_NATS === '1') throw new Error(`GOALS_REQUIRE_NATS=1 but ${NATS_SERVER_MISSING}`);
  console.warn(NATS_SERVER_MISSING);
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
