import { ProgressOverflowError } from '@goals/domain';

/** SQLSTATE numeric_value_out_of_range: what int + int raises past the INT maximum. */
const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

/**
 * Runs an increment statement; PostgreSQL refusing a sum past the INT maximum
 * (the statement wrote nothing) becomes the domain's ProgressOverflowError.
 * Inputs are validated to fit an INT before any SQL, so the sum is the only
 * value these statements can take out of range.
 */
export async function refuseOverflow<T>(
  operation: string,
  at: { userId?: string; goalId?: string; delta?: number },
  statement: () => Promise<T>,
): Promise<T> {
  try {
    return await statement();
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === NUMERIC_VALUE_OUT_OF_RANGE) {
      throw new ProgressOverflowError(operation, at, { cause: error });
    }
    throw error;
  }
}
