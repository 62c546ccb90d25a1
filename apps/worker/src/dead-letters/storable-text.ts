/** Text PostgreSQL can store: no U+0000, no lone surrogates (dead letters keep whatever arrived). */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\\u0000').replace(/\p{Cs}/gu, '\uFFFD');
}
