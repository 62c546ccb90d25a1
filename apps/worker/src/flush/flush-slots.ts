/**
 * At most `size` flushes write at once, whichever partitions they belong to:
 * each takes a database connection for its transaction, so this is what
 * `--flush-concurrency` bounds. Waiters are served in arrival order.
 */
export class FlushSlots {
  readonly size: number;
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`flush concurrency must be a positive integer, got ${size}`);
    this.size = size;
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      // hand the slot straight to the next waiter, or give it back
      if (next !== undefined) next();
      else this.#free += 1;
    }
  }
}
