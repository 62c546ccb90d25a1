import { isStorableTime, GOAL_STATUSES, MAX_ID_LENGTH, MAX_PROGRESS, storableTextProblems, ValidationError, type ValidationIssue } from '@goals/domain';

/**
 * Checks of caller input, run before any SQL so a bad element rejects the
 * whole call with every problem listed (ValidationError) and nothing written.
 * The limits are the columns' (VARCHAR(n) counts characters, INT is 32-bit)
 * plus what PostgreSQL text cannot hold at all: U+0000 and lone surrogates
 * (Node would send U+FFFD instead, so the id would not round-trip).
 */
export class InputChecks {
  readonly issues: ValidationIssue[] = [];

  record(value: unknown, path: string): value is Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.issues.push({ path, message: `must be an object, got ${describe(value)}` });
    return false;
  }

  id(value: unknown, path: string, maxLength: number = MAX_ID_LENGTH): void {
    this.text(value, path, { maxLength, allowEmpty: false });
  }

  text(value: unknown, path: string, limits: { maxLength?: number; allowEmpty: boolean }): void {
    if (typeof value !== 'string') {
      this.issues.push({ path, message: `must be a string, got ${describe(value)}` });
      return;
    }
    if (!limits.allowEmpty && value.length === 0) this.issues.push({ path, message: 'must not be empty' });
    if (limits.maxLength !== undefined && value.length > limits.maxLength) {
      const characters = [...value].length;
      if (characters > limits.maxLength) {
        this.issues.push({ path, message: `must be at most ${limits.maxLength} characters, got ${characters}` });
      }
    }
    for (const message of storableTextProblems(value)) this.issues.push({ path, message });
  }

  nullableText(value: unknown, path: string): void {
    if (value !== null) this.text(value, path, { allowEmpty: true });
  }

  integer(value: unknown, path: string, min: number, max: number = MAX_PROGRESS): void {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.issues.push({ path, message: `must be an integer, got ${describe(value)}` });
    } else if (value < min || value > max) {
      this.issues.push({ path, message: `must be between ${min} and ${max}, got ${value}` });
    }
  }

  bigint(value: unknown, path: string): void {
    if (typeof value !== 'bigint') {
      this.issues.push({ path, message: `must be a bigint, got ${describe(value)}` });
    } else if (value < 0n || value > MAX_BIGINT) {
      this.issues.push({ path, message: `must be between 0 and ${MAX_BIGINT}, got ${value}` });
    }
  }

  boolean(value: unknown, path: string): void {
    if (typeof value !== 'boolean') this.issues.push({ path, message: `must be a boolean, got ${describe(value)}` });
  }

  date(value: unknown, path: string): void {
    if (!(value instanceof Date)) {
      this.issues.push({ path, message: `must be a Date, got ${describe(value)}` });
    } else if (Number.isNaN(value.getTime())) {
      this.issues.push({ path, message: 'must be a valid Date, got Invalid Date' });
    } else if (!isStorableTime(value.getTime())) {
      // Years outside 1..9999 have no ISO 8601 form that PostgreSQL reads back.
      this.issues.push({ path, message: `must be between years 1 and 9999 UTC, got ${value.toISOString()}` });
    }
  }

  nullableDate(value: unknown, path: string): void {
    if (value !== null) this.date(value, path);
  }

  optionalDate(value: unknown, path: string): void {
    if (value !== undefined) this.date(value, path);
  }

  status(value: unknown, path: string): void {
    if (typeof value !== 'string' || !(GOAL_STATUSES as readonly string[]).includes(value)) {
      this.issues.push({ path, message: `must be one of ${GOAL_STATUSES.join(', ')}, got ${describe(value)}` });
    }
  }

  problem(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  throwIfAny(operation: string): void {
    if (this.issues.length > 0) throw new ValidationError(operation, this.issues);
  }
}

/** Checks every element of a batch; `null` elements and non-arrays are issues too. */
export function checkBatch(
  operation: string,
  items: unknown,
  checkElement: (checks: InputChecks, element: Record<string, unknown>, path: string) => void,
): void {
  const checks = new InputChecks();
  if (!Array.isArray(items)) {
    checks.problem('', `must be an array, got ${describe(items)}`);
  } else {
    for (let i = 0; i < items.length; i++) {
      const path = `[${i}]`;
      const element: unknown = items[i];
      if (checks.record(element, path)) checkElement(checks, element, path);
    }
  }
  checks.throwIfAny(operation);
}

export const MAX_BIGINT = 9_223_372_036_854_775_807n;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return 'a Date';
  return typeof value;
}
