import { findFreePort } from '../free-port.js';

export { eventually, type EventuallyOptions } from './eventually.js';

/** A port nothing listens on right now on 127.0.0.1 (for a server a test starts, or a --metrics-port it scrapes). */
export function freePort(): Promise<number> {
  return findFreePort();
}
