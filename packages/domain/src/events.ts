import { z } from 'zod';
import { MAX_PROGRESS } from './progress.js';
import { storableId } from './storable-text.js';
import { isStorableTime } from './storable-time.js';

/**
 * Game events, parsed at the edge. Two native shapes (SPEC §4.1):
 *   {"id","type":"login","userId","namespace","occurredAt"}
 *   {"id","type":"statistic","userId","namespace","occurredAt","statCode","value","inc"?}
 * and the platform shapes the Go original consumed:
 *   {"id","name":"userLoggedIn","userId","namespace","timestamp"}
 *   {"id","name":"statItemUpdated","userId","namespace","timestamp","payload":{"statCode","latestValue","inc"?}}
 * (`type` may stand for `name`, `occurredAt` for `timestamp`).
 */
export interface LoginEvent {
  id: string;
  type: 'login';
  userId: string;
  namespace: string;
  occurredAt: Date;
}

export interface StatisticEvent {
  id: string;
  type: 'statistic';
  userId: string;
  namespace: string;
  occurredAt: Date;
  statCode: string;
  /** The statistic's latest value (finite, ≥ 0; absolute goals take its integer part). */
  value: number;
  /** How much increment goals advance; 1 when absent. */
  inc?: number;
}

export type GameEvent = LoginEvent | StatisticEvent;

export type EventParseResult = { ok: true; event: GameEvent } | { ok: false; reason: string };

const id = storableId;
/**
 * RFC 3339 with an explicit zone. `new Date()` alone reads a zone-less string in
 * the process TZ (so the UTC day, and daily counting, would depend on where the
 * worker runs), accepts loose strings like "1" (year 2001), and rolls
 * 2024-02-30 over to March 1.
 */
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const ZONELESS = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const instant = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const date = new Date(value);
  if (typeof value === 'string' && ZONELESS.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'has no time zone (add "Z" or an offset such as "+02:00")' });
    return z.NEVER;
  }
  if (Number.isNaN(date.getTime()) || (typeof value === 'string' && !isRealRfc3339(value))) {
    ctx.addIssue({ code: 'custom', message: 'is not a valid time' });
    return z.NEVER;
  }
  if (!isStorableTime(date.getTime())) {
    // counted as applied, every row would then be refused by the database
    ctx.addIssue({ code: 'custom', message: `is outside the years 1 to 9999 UTC that progress timestamps can hold (${date.toISOString()})` });
    return z.NEVER;
  }
  return date;
});

function isRealRfc3339(value: string): boolean {
  const match = RFC_3339.exec(value);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

const statValue = z.number().finite().nonnegative('must not be negative').max(MAX_PROGRESS, 'overflows a 32-bit progress');
const increment = z.number().int().nonnegative('must not be negative').max(MAX_PROGRESS, 'overflows a 32-bit progress');

const envelope = {
  id,
  userId: id,
  namespace: id,
};

const nativeLogin = z.object({ ...envelope, type: z.literal('login'), occurredAt: instant });
const nativeStatistic = z.object({
  ...envelope,
  type: z.literal('statistic'),
  occurredAt: instant,
  statCode: z.string().min(1),
  value: statValue,
  inc: increment.optional(),
});
const platformLogin = z.object({ ...envelope, name: z.literal('userLoggedIn'), timestamp: instant });
const platformStatistic = z.object({
  ...envelope,
  name: z.literal('statItemUpdated'),
  timestamp: instant,
  payload: z.object({ statCode: z.string().min(1), latestValue: statValue, inc: increment.optional() }),
});

/** Parses one decoded JSON value; never throws. */
export function parseGameEvent(input: unknown): EventParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'event is not a JSON object' };
  const record = input as Record<string, unknown>;
  const kind = record.type ?? record.name;
  const normalised = normalisePlatformKeys(record);
  switch (kind) {
    case 'login':
    case 'userLoggedIn': {
      const result = kind === 'login' ? nativeLogin.safeParse(record) : platformLogin.safeParse(normalised);
      if (!result.success) return { ok: false, reason: describe(result.error) };
      const d = result.data;
      return { ok: true, event: { id: d.id, type: 'login', userId: d.userId, namespace: d.namespace, occurredAt: 'occurredAt' in d ? d.occurredAt : d.timestamp } };
    }
    case 'statistic': {
      const result = nativeStatistic.safeParse(record);
      if (!result.success) return { ok: false, reason: describe(result.error) };
      const d = result.data;
      return { ok: true, event: withInc({ id: d.id, type: 'statistic', userId: d.userId, namespace: d.namespace, occurredAt: d.occurredAt, statCode: d.statCode, value: d.value }, d.inc) };
    }
    case 'statItemUpdated': {
      const result = platformStatistic.safeParse(normalised);
      if (!result.success) return { ok: false, reason: describe(result.error) };
      const d = result.data;
      return {
        ok: true,
        event: withInc({ id: d.id, type: 'statistic', userId: d.userId, namespace: d.namespace, occurredAt: d.timestamp, statCode: d.payload.statCode, value: d.payload.latestValue }, d.payload.inc),
      };
    }
    default:
      return { ok: false, reason: `unknown event type ${JSON.stringify(kind)}` };
  }
}

/** Parses one NDJSON line; never throws. */
export function parseGameEventLine(line: string): EventParseResult {
  let decoded: unknown;
  try {
    decoded = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return parseGameEvent(decoded);
}

function withInc(event: StatisticEvent, inc: number | undefined): StatisticEvent {
  return inc === undefined ? event : { ...event, inc };
}

function normalisePlatformKeys(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  if (copy.name === undefined && copy.type !== undefined) copy.name = copy.type;
  if (copy.timestamp === undefined && copy.occurredAt !== undefined) copy.timestamp = copy.occurredAt;
  return copy;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'event'}: ${issue.message}`).join('; ');
}
