/**
 * The connection string with every credential replaced by `****`, safe for
 * logs, error messages and manifests, in each form a user may give:
 * - URL userinfo: `postgres://user:secret@host/db`;
 * - URL query parameters: `?password=secret`, `?sslpassword=…` (any name
 *   containing "password", plus pg's `sslkey` contents never appear in URLs);
 * - a URL that does not parse (a password with `#`, `@` or `/` not
 *   percent-encoded): everything between `user:` and the last `@` before the
 *   host is masked, as are `password=` parameters;
 * - libpq keyword/value form: `host=… password=secret` or `password='a b'`.
 */
export function maskConnectionUrl(connectionString: string): string {
  const parsed = parseUrl(connectionString);
  if (parsed !== undefined) {
    if (parsed.password !== '') parsed.password = '****';
    for (const name of [...parsed.searchParams.keys()]) {
      if (/password/i.test(name)) parsed.searchParams.set(name, '****');
    }
    return parsed.toString();
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(connectionString)) {
    return maskPasswordParameters(maskUnparsableUserinfo(connectionString));
  }
  return maskPasswordParameters(connectionString);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** `scheme://user:anything@host…` → `scheme://user:****@host…`, the last `@` ending the userinfo (as libpq reads it). */
function maskUnparsableUserinfo(text: string): string {
  const schemeEnd = text.indexOf('://') + 3;
  const at = text.lastIndexOf('@');
  if (at < schemeEnd) return text;
  const userinfo = text.slice(schemeEnd, at);
  const colon = userinfo.indexOf(':');
  if (colon === -1) return text;
  return `${text.slice(0, schemeEnd)}${userinfo.slice(0, colon)}:****${text.slice(at)}`;
}

function maskPasswordParameters(text: string): string {
  return text.replace(/(\b[a-z]*password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/gi, '$1****');
}
