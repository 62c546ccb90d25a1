/** The role the reporting migration creates; the app connects as it. */
export const REPORTING_ROLE = 'goals_reporting';

/**
 * The owner's URL with the reporting role as the user: same server, same
 * database. Without a password this only works where the server trusts the
 * host (as CI's does); elsewhere set the role's password and pass it.
 */
export function reportingUrlFor(ownerUrl: string, password?: string): string {
  const url = new URL(ownerUrl);
  url.username = REPORTING_ROLE;
  url.password = password === undefined ? '' : encodeURIComponent(password);
  // a password given as ?password= would override the one above
  url.searchParams.delete('password');
  url.searchParams.delete('user');
  return url.toString();
}
