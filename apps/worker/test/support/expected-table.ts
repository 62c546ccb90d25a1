import { parseGameEventLine, type CatalogueIndex, type GameEvent } from '@goals/domain';
import { diffProgressFacts, foldGameEvents, readProgressFacts, type RowFacts } from '@goals/fixtures';

export type { RowFacts };

/**
 * The test oracle over NDJSON lines: the lines the domain parser accepts,
 * folded by @goals/fixtures' foldGameEvents (the domain rules, one event at a
 * time, no buffer or database). The worker's table must equal it whatever
 * happened to the worker on the way.
 */
export function foldEvents(catalogue: CatalogueIndex, lines: Iterable<string>): Map<string, RowFacts> {
  return foldGameEvents(catalogue, parsedEvents(lines));
}

function* parsedEvents(lines: Iterable<string>): Generator<GameEvent> {
  for (const line of lines) {
    const parsed = parseGameEventLine(line);
    if (parsed.ok) yield parsed.event;
  }
}

export const readTable = readProgressFacts;
export const diffTables = diffProgressFacts;
