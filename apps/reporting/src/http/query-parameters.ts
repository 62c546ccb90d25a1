import { GOAL_STATUSES, MAX_ID_LENGTH } from '@goals/domain';
import { z } from 'zod';
import { InvalidParameterError } from '../errors/reporting-error.js';

/**
 * Query-string parsing at the edge: every endpoint declares a strict zod
 * object of these fields, so an unknown parameter, a repeated one or a bad
 * value is a 400 naming it — never ignored, never clamped.
 */

const single = z.string({ error: (issue) => (Array.isArray(issue.input) ? 'give this parameter once' : 'must be a string') });

/** An id as the database stores it: 1…100 characters, no U+0000. Anything else is just text, never SQL. */
export const idValue = single
  .min(1, 'must not be empty')
  .refine((value) => [...value].length <= MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .refine((value) => !value.includes('\u0000'), 'must not contain U+0000');

function integer(min: number, max: number) {
  return single
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

export const MAX_PAGE_SIZE = 1_000;
export const DEFAULT_PAGE_SIZE = 100;

/** limit/offset: the limit is capped at MAX_PAGE_SIZE for JSON; a CSV export without a limit streams every row. */
export const paginationFields = {
  limit: integer(1, MAX_PAGE_SIZE).optional(),
  offset: integer(0, 100_000_000).optional(),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
};

export const statusValue = z.enum(GOAL_STATUSES, { error: `must be one of ${GOAL_STATUSES.join(', ')}` });
export const sortOrder = z.enum(['asc', 'desc'], { error: 'must be asc or desc' });

/** A UTC calendar day written YYYY-MM-DD; returned as that day's midnight UTC. */
export const dayValue = single.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD').transform((text, context) => {
  const day = new Date(`${text}T00:00:00.000Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) {
    context.addIssue({ code: 'custom', message: `${text} is not a calendar date` });
    return z.NEVER;
  }
  return day;
});

/** Parses `input` with `schema`; the first problem becomes an InvalidParameterError naming its parameter. */
export function parseParameters<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw new InvalidParameterError('(query)', 'is invalid');
  if (issue.code === 'unrecognized_keys') {
    const [parameter = '(query)'] = issue.keys;
    throw new InvalidParameterError(parameter, 'is not a parameter of this endpoint');
  }
  const parameter = issue.path.length > 0 ? String(issue.path[0]) : '(query)';
  throw new InvalidParameterError(parameter, issue.message);
}
