/**
 * PostgreSQL COPY text format, the one implementation in the project (the
 * repository's COPY route and `@goals/fixtures`' loader both use it).
 *
 * Columns are separated by a tab, rows end with "\n", NULL is `\N`. Inside a
 * value only backslash, newline, carriage return and tab are special (they
 * would end the field or the row; ids may contain any of them, SPEC §2.5), so
 * they are backslash-escaped; every other character passes through as UTF-8.
 */
export const COPY_NULL = '\\N';

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED_CHARACTER = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeCopyText(value: string): string {
  // Most ids need no escaping; testing first skips the replace allocation.
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED_CHARACTER, (character) => ESCAPES[character] ?? character) : value;
}
