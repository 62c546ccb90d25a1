import { z } from 'zod';
import { MAX_ID_LENGTH } from './progress.js';

/** In `u` mode a paired surrogate is one code point, so only a lone half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * What PostgreSQL text cannot hold, as one message per problem: U+0000 is
 * refused by the server, and a lone surrogate is sent by Node as U+FFFD (so
 * the value would not round-trip, and two ids could become one). The one rule
 * for ids everywhere: the catalogue, events, and the repository's validation.
 */
export function storableTextProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.includes('\u0000')) problems.push('must not contain U+0000 (PostgreSQL text cannot store it)');
  if (LONE_SURROGATE.test(text)) problems.push('must be well-formed Unicode (it contains a lone surrogate)');
  return problems;
}

/** An id the database stores as given: 1..MAX_ID_LENGTH characters (zod 4 counts code points, as VARCHAR does), storable text. */
export const storableId = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .superRefine((text, ctx) => {
    for (const message of storableTextProblems(text)) ctx.addIssue({ code: 'custom', message });
  });
