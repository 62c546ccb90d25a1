/**
 * Base of every error this package throws (setting a database up: reaching
 * it, embedded PostgreSQL, migrations): `code` is stable and meant for
 * programs, `message` is one line meant for people and says what to do.
 * Named apart from the repository's DatabaseError (a failed statement, in the
 * domain's error family), so the project has one class of each name.
 */
export abstract class DatabaseSetupError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
