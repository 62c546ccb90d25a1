import { ValidationError } from '@goals/domain';

/** A lease fence names a non-empty owner (as stored: at most 200 characters) and a non-negative bigint epoch. */
export function validateLeaseFence(operation: string, lease: unknown): void {
  const problems: { path: string; message: string }[] = [];
  const value = typeof lease === 'object' && lease !== null ? (lease as Record<string, unknown>) : {};
  if (typeof value.owner !== 'string' || value.owner === '' || value.owner.length > 200) problems.push({ path: 'lease.owner', message: 'must be a non-empty string of at most 200 characters' });
  if (typeof value.epoch !== 'bigint' || value.epoch < 0n) problems.push({ path: 'lease.epoch', message: 'must be a non-negative bigint' });
  if (problems.length > 0) throw new ValidationError(operation, problems);
}
