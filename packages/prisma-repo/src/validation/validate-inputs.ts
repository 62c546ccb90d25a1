import type {
  AbsoluteProgressUpdate,
  DailyCompletion,
  DeadLetter,
  ProgressIncrement,
  ProgressUpsert,
  SourcePosition,
  SourcePositionMove,
} from '@goals/domain';
import { allAbsoluteUpdatesValid, allDailyCompletionsValid, allIncrementsValid, allUpsertsValid } from './fast-checks.js';
import { checkBatch, InputChecks } from './input-checks.js';

/**
 * One checker per input shape, shared by the single-row and batch methods so
 * a rule is written once. Each reports every problem with its path.
 */

const MAX_SOURCE_LENGTH = 200;
const MAX_ERROR_CODE_LENGTH = 50;
/** source_positions.checkpoint / fingerprint are VARCHAR(100). */
export const MAX_SOURCE_MARK_LENGTH = 100;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function checkKey(operation: string, fields: Record<string, unknown>): void {
  const checks = new InputChecks();
  for (const [name, value] of Object.entries(fields)) checks.id(value, name);
  checks.throwIfAny(operation);
}

function checkGoalRow(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checks.id(row.userId, join(path, 'userId'));
  checks.id(row.goalId, join(path, 'goalId'));
  checks.id(row.challengeId, join(path, 'challengeId'));
  checks.id(row.namespace, join(path, 'namespace'));
}

function checkUpsert(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checkGoalRow(checks, row, path);
  checks.integer(row.progress, join(path, 'progress'), 0);
  checks.status(row.status, join(path, 'status'));
  checks.nullableDate(row.completedAt, join(path, 'completedAt'));
  if (row.claimedAt !== undefined) {
    checks.nullableDate(row.claimedAt, join(path, 'claimedAt'));
    if (row.claimedAt !== null && row.status !== 'claimed') {
      checks.problem(join(path, 'claimedAt'), `must be null unless status is claimed (status is ${String(row.status)})`);
    }
  }
}

function checkIncrement(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checkGoalRow(checks, row, path);
  checks.integer(row.delta, join(path, 'delta'), 0);
  checks.integer(row.targetValue, join(path, 'targetValue'), 1);
  checks.boolean(row.isDailyIncrement, join(path, 'isDailyIncrement'));
  checks.optionalDate(row.at, join(path, 'at'));
}

function checkAbsolute(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checkGoalRow(checks, row, path);
  checks.integer(row.value, join(path, 'value'), 0);
  checks.integer(row.targetValue, join(path, 'targetValue'), 1);
  checks.date(row.at, join(path, 'at'));
  checks.nullableDate(row.reachedAt, join(path, 'reachedAt'));
}

function checkDailyCompletion(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checkGoalRow(checks, row, path);
  checks.integer(row.targetValue, join(path, 'targetValue'), 1);
  checks.date(row.at, join(path, 'at'));
}

function checkSourcePosition(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checks.id(row.source, join(path, 'source'), MAX_SOURCE_LENGTH);
  checks.id(row.partition, join(path, 'partition'), MAX_SOURCE_LENGTH);
  checks.bigint(row.position, join(path, 'position'));
}

function checkSourcePositionMove(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checks.id(row.source, join(path, 'source'), MAX_SOURCE_LENGTH);
  checks.id(row.partition, join(path, 'partition'), MAX_SOURCE_LENGTH);
  checks.bigint(row.to, join(path, 'to'));
  if (row.from !== null) checks.bigint(row.from, join(path, 'from'));
  // positions only move forward: a smaller `to` would make the next start read the same records again
  if (typeof row.from === 'bigint' && typeof row.to === 'bigint' && row.to < row.from) {
    checks.problem(join(path, 'to'), `must not be before from (${row.from}), got ${row.to}: positions only move forward`);
  }
  if (row.checkpoint !== undefined) checks.id(row.checkpoint, join(path, 'checkpoint'), MAX_SOURCE_MARK_LENGTH);
  if (row.fingerprint !== undefined) checks.id(row.fingerprint, join(path, 'fingerprint'), MAX_SOURCE_MARK_LENGTH);
}

function checkDeadLetter(checks: InputChecks, row: Record<string, unknown>, path: string): void {
  checkSourcePosition(checks, row, path);
  checks.text(row.goalId, join(path, 'goalId'), { maxLength: 100, allowEmpty: true });
  checks.nullableText(row.eventId, join(path, 'eventId'));
  checks.text(row.payload, join(path, 'payload'), { allowEmpty: true });
  checks.text(row.reason, join(path, 'reason'), { allowEmpty: false });
  checks.text(row.errorCode, join(path, 'errorCode'), { maxLength: MAX_ERROR_CODE_LENGTH, allowEmpty: false });
  if (row.payloadBytes !== undefined) checks.integer(row.payloadBytes, join(path, 'payloadBytes'), 0, Number.MAX_SAFE_INTEGER);
  if (row.payloadSha256 !== undefined && (typeof row.payloadSha256 !== 'string' || !SHA256_HEX.test(row.payloadSha256))) {
    checks.problem(join(path, 'payloadSha256'), 'must be 64 lowercase hex digits (a SHA-256)');
  }
}

function single<T>(check: (checks: InputChecks, row: Record<string, unknown>, path: string) => void) {
  return (operation: string, value: unknown): asserts value is T => {
    const checks = new InputChecks();
    if (checks.record(value, '')) check(checks, value, '');
    checks.throwIfAny(operation);
  };
}

/** `allValid` is the fast path (fast-checks.ts); the detailed checks run only when it says no. */
function batch<T>(check: (checks: InputChecks, row: Record<string, unknown>, path: string) => void, allValid?: (value: unknown) => boolean) {
  return (operation: string, value: unknown): asserts value is readonly T[] => {
    if (allValid !== undefined && allValid(value)) return;
    checkBatch(operation, value, check);
  };
}

export const validateUpsert: (operation: string, value: unknown) => asserts value is ProgressUpsert = single<ProgressUpsert>(checkUpsert);
export const validateUpserts: (operation: string, value: unknown) => asserts value is readonly ProgressUpsert[] = batch<ProgressUpsert>(checkUpsert, allUpsertsValid);
export const validateIncrement: (operation: string, value: unknown) => asserts value is ProgressIncrement = single<ProgressIncrement>(checkIncrement);
export const validateIncrements: (operation: string, value: unknown) => asserts value is readonly ProgressIncrement[] = batch<ProgressIncrement>(checkIncrement, allIncrementsValid);
export const validateAbsoluteUpdates: (operation: string, value: unknown) => asserts value is readonly AbsoluteProgressUpdate[] = batch<AbsoluteProgressUpdate>(checkAbsolute, allAbsoluteUpdatesValid);
export const validateDailyCompletions: (operation: string, value: unknown) => asserts value is readonly DailyCompletion[] = batch<DailyCompletion>(checkDailyCompletion, allDailyCompletionsValid);
export const validateSourcePositions: (operation: string, value: unknown) => asserts value is readonly SourcePosition[] = batch<SourcePosition>(checkSourcePosition);
export const validateSourcePositionMove: (operation: string, value: unknown) => asserts value is SourcePositionMove = single<SourcePositionMove>(checkSourcePositionMove);
export const validateDeadLetters: (operation: string, value: unknown) => asserts value is readonly DeadLetter[] = batch<DeadLetter>(checkDeadLetter);

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}
