/**
 * Base of every error this package throws: `code` is stable and meant for
 * programs, `message` is one line meant for people and says what to do.
 */
export abstract class DatabaseError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
