import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** GOALS_CHROMIUM, then Debian's /usr/bin/chromium, then `chromium` on PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.GOALS_CHROMIUM, '/usr/bin/chromium', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium'))];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there; try the next one
    }
  }
  return undefined;
}

/** The flags TOOLCHAIN.md found necessary here: no sandbox as root, no GPU, no background calls to hosts this network refuses. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
