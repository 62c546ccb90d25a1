/** The URL with its password replaced by `****`, safe for logs and error messages. */
export function maskConnectionUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '****';
    return url.toString();
  } catch {
    // libpq keyword/value form: `host=... password=secret`
    return connectionString.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1****');
  }
}
