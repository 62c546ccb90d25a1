import { maskConnectionUrl } from './mask-connection-url.js';

/**
 * Undefined when the connection string is a URL that parses (or is libpq's
 * keyword/value form); otherwise why it does not, in words a person can act
 * on. Node's parser (which pg uses) says only "Invalid URL"; the usual cause
 * is a reserved character in the password.
 */
export function explainUnparsableUrl(connectionString: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(connectionString)) return undefined;
  try {
    new URL(connectionString);
    return undefined;
  } catch {
    return (
      `${maskConnectionUrl(connectionString)} is not a valid URL. ` +
      'Characters with a meaning in URLs must be percent-encoded in the user name and password: ' +
      '# as %23, @ as %40, : as %3A, / as %2F, ? as %3F, % as %25, space as %20 ' +
      "(e.g. node -e \"console.log(encodeURIComponent(process.argv[1]))\" 'my#pass')"
    );
  }
}
