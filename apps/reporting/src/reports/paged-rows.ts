/**
 * Rows of a list from `offset`, at most `limit` of them (all when undefined),
 * fetched `chunk` at a time: how a CSV export streams a list of any length
 * without holding it.
 */
export async function* pagedRows<Row>(
  fetchPage: (offset: number, take: number) => Promise<Row[]>,
  offset: number,
  limit: number | undefined,
  chunk = 1_000,
): AsyncGenerator<Row> {
  let next = offset;
  let remaining = limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const take = Math.min(chunk, remaining);
    const rows = await fetchPage(next, take);
    yield* rows;
    if (rows.length < take) return;
    next += rows.length;
    remaining -= rows.length;
  }
}
