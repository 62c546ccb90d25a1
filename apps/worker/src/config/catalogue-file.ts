import { readFile } from 'node:fs/promises';
import { CatalogueError, CatalogueIndex, parseCatalogue } from '@goals/domain';

/** Reads and validates `challenges.json`; every problem is listed in one CatalogueError. */
export async function loadCatalogueFile(path: string): Promise<CatalogueIndex> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CatalogueError([`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  let decoded: unknown;
  try {
    // editors on Windows save UTF-8 with a byte-order mark; the event source accepts one too
    decoded = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw new CatalogueError([`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return new CatalogueIndex(parseCatalogue(decoded));
}
