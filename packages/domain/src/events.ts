import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_PROGRESS } from './progress.js';
import { storableId } from './storable-text.js';
import { isStorableTime } from './storable-time.js';

/**
 * Game events, parsed at the edge. Two native shapes (SPEC §4.1):
 *   {"id","type":"login","userId","namespace","occurredAt"}
 *   {"id","type":"statistic","userId","namespace","occurredAt","statCode","value","inc"?}
 * and the AccelByte Gaming Services (AGS) shapes, as AGS really sends them
 * (proto3 JSON of `accelbyte.iam.account.v1.UserLoggedIn` and
 * `accelbyte.social.statistic.v1.StatItemUpdated`): every field may be absent,
 * the kind may be implied by the source (an Extend gRPC method), the values
 * are doubles, the user id may sit only in the payload. The rules for those
 * are in the package README ("AGS events"); each is one function below.
 */
export interface LoginEvent {
  id: string;
  type: 'login';
  userId: string;
  namespace: string;
  occurredAt: Date;
  /** Set when the event had no id: `id` is then derived from its content (a retried delivery gets the same id). */
  idSource?: 'content';
  /** Set when the event had no time: `occurredAt` is then the time the caller received it. */
  timeSource?: 'received';
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
  /** How much increment goals advance; 1 when absent (native events only: AGS events always carry it, 0 by default). */
  inc?: number;
  idSource?: 'content';
  timeSource?: 'received';
}

export type GameEvent = LoginEvent | StatisticEvent;

/** The two AGS events the goals consume, by the name AGS gives them. */
export const AGS_EVENT_NAMES = ['userLoggedIn', 'statItemUpdated'] as const;
export type AgsEventName = (typeof AGS_EVENT_NAMES)[number];

export interface EventParseOptions {
  /**
   * The kind the source implies (the Extend gRPC method it came in on, or a
   * source configured for one kind): taken when the event names none; an
   * event that names the other kind is refused.
   */
  sourceKind?: AgsEventName;
  /**
   * When a live delivery was received. An AGS event without a timestamp takes
   * it (and is marked `timeSource: 'received'`); without it such an event is
   * refused, since a replay cannot know when the event happened.
   */
  receivedAt?: Date;
  /** The deployment's namespace: an AGS event of another namespace is ignored (`ignored: true`), not refused. */
  namespace?: string;
}

/** What the AGS rules changed on the way in, so the caller can meter it. */
export interface EventAdjustments {
  /** `latestValue`/`inc` values whose fractional part was dropped (the integer part is taken). */
  fractionsDropped: number;
  /** Negative `latestValue`/`inc` values taken as 0. */
  negativeValues: number;
}

export type EventParseResult =
  | { ok: true; event: GameEvent; adjustments: EventAdjustments }
  /** `ignored`: a valid event outside this deployment (the namespace filter); anything else is malformed. */
  | { ok: false; reason: string; ignored?: true };

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
  // the marks survive the native wire form the ingress publishes (formatNativeEvent)
  idSource: z.literal('content').optional(),
  timeSource: z.literal('received').optional(),
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

const NO_ADJUSTMENTS: Readonly<EventAdjustments> = Object.freeze({ fractionsDropped: 0, negativeValues: 0 });

/** Parses one decoded JSON value; never throws. */
export function parseGameEvent(input: unknown, options: EventParseOptions = {}): EventParseResult {
  if (!isRecord(input)) return { ok: false, reason: 'event is not a JSON object' };
  const kind = eventKindOf(input, options.sourceKind);
  switch (kind) {
    case 'login': {
      const result = nativeLogin.safeParse(input);
      if (!result.success) return { ok: false, reason: describe(result.error) };
      const { type: _type, ...event } = result.data;
      return { ok: true, event: withoutUndefined({ ...event, type: 'login' }), adjustments: { ...NO_ADJUSTMENTS } };
    }
    case 'statistic': {
      const result = nativeStatistic.safeParse(input);
      if (!result.success) return { ok: false, reason: describe(result.error) };
      const { type: _type, ...event } = result.data;
      return { ok: true, event: withoutUndefined({ ...event, type: 'statistic' }), adjustments: { ...NO_ADJUSTMENTS } };
    }
    case 'userLoggedIn':
    case 'statItemUpdated':
      return parseAgsEvent(input, kind, options);
    default:
      return { ok: false, reason: kind.refused };
  }
}

/** Parses one NDJSON line; never throws. */
export function parseGameEventLine(line: string, options: EventParseOptions = {}): EventParseResult {
  let decoded: unknown;
  try {
    decoded = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return parseGameEvent(decoded, options);
}

/**
 * The native JSON of a parsed event: what the ingress publishes once it has
 * applied the AGS rules, so every consumer reads a complete, normalised
 * event (`parseGameEventLine` of it gives the same event back).
 */
export function formatNativeEvent(event: GameEvent): string {
  return JSON.stringify({ ...event, occurredAt: event.occurredAt.toISOString() });
}

/**
 * The kind, from `type`/`name` in every form AGS uses (`userLoggedIn`, the
 * topic form `<namespace>.iam.account.v1.userLoggedIn`), else from the source.
 */
const AGS_TOPIC_NAME = /^(?:[^.\s]+\.)?(iam\.account\.v1\.userLoggedIn|social\.statistic\.v1\.statItemUpdated)$/;
const FAMILY = { login: 'login', userLoggedIn: 'login', statistic: 'statistic', statItemUpdated: 'statistic' } as const;

function eventKindOf(record: Record<string, unknown>, sourceKind: AgsEventName | undefined): 'login' | 'statistic' | AgsEventName | { refused: string } {
  const named = record.type ?? record.name;
  // proto3 JSON writes an unset string as "" or leaves it out: both mean "no name"
  if (named === undefined || named === '') {
    return sourceKind ?? { refused: 'unknown event type undefined (an event without a name needs its source to say its kind, e.g. the Extend gRPC method)' };
  }
  const kind = typeof named === 'string' ? kindOfName(named) : undefined;
  if (kind === undefined) return { refused: `unknown event type ${JSON.stringify(named)}` };
  if (sourceKind !== undefined && FAMILY[kind] !== FAMILY[sourceKind]) {
    return { refused: `name ${JSON.stringify(named)} contradicts the kind its source implies: ${sourceKind}` };
  }
  return kind;
}

function kindOfName(name: string): 'login' | 'statistic' | AgsEventName | undefined {
  if (name === 'login' || name === 'statistic' || name === 'userLoggedIn' || name === 'statItemUpdated') return name;
  const topic = AGS_TOPIC_NAME.exec(name)?.[1];
  if (topic === undefined) return undefined;
  return topic.endsWith('userLoggedIn') ? 'userLoggedIn' : 'statItemUpdated';
}

/**
 * An AGS event. Proto3 JSON leaves out (or writes as "" / 0) every field at
 * its default, so "absent" and "default" are one thing here: an empty string
 * is a missing value, a missing double is 0.
 */
function parseAgsEvent(record: Record<string, unknown>, kind: AgsEventName, options: EventParseOptions): EventParseResult {
  const problems: string[] = [];
  const adjustments: EventAdjustments = { fractionsDropped: 0, negativeValues: 0 };
  const payload = record.payload;
  if (payload !== undefined && payload !== null && !isRecord(payload)) problems.push('payload: must be an object');
  const body = isRecord(payload) ? payload : {};
  const account = isRecord(body.userAccount) ? body.userAccount : {};

  const namespace = agreeingText(
    'namespace',
    [
      ['namespace', record.namespace],
      ['payload.namespace', body.namespace],
    ],
    problems,
  ) ?? presentText('payload.userAccount.namespace', account.namespace, problems);
  const resolvedNamespace = namespace === undefined ? undefined : checkedId('namespace', namespace, problems);
  if (options.namespace !== undefined && resolvedNamespace !== undefined && resolvedNamespace !== options.namespace) {
    // the Go handler's filter: another deployment's event is not ours to judge
    return { ok: false, ignored: true, reason: `namespace ${JSON.stringify(resolvedNamespace)} is not this deployment's (${JSON.stringify(options.namespace)})` };
  }
  if (namespace === undefined && !problems.some((p) => p.startsWith('namespace:'))) problems.push('namespace: missing (neither the event nor its payload names one)');

  const userIdText = agreeingText(
    'userId',
    [
      ['userId', record.userId],
      ['payload.userId', body.userId],
      ['payload.userAccount.userId', account.userId],
    ],
    problems,
  );
  const userId = userIdText === undefined ? undefined : checkedId('userId', userIdText, problems);
  if (userIdText === undefined && !problems.some((p) => p.startsWith('userId:'))) problems.push('userId: missing (neither the event nor payload.userId nor payload.userAccount.userId has one)');

  const givenId = presentText('id', record.id, problems);
  const eventId = givenId === undefined ? contentId(kind, record) : checkedId('id', givenId, problems);

  const time = occurredAtOf(record, options.receivedAt, problems);

  let statistic: { statCode: string; value: number; inc: number } | undefined;
  if (kind === 'statItemUpdated') {
    const statCode = presentText('payload.statCode', body.statCode, problems);
    if (statCode === undefined && !problems.some((p) => p.startsWith('payload.statCode:'))) problems.push('payload.statCode: missing');
    const value = agsAmount('payload.latestValue', body.latestValue, adjustments, problems);
    const inc = agsAmount('payload.inc', body.inc, adjustments, problems);
    if (statCode !== undefined && value !== undefined && inc !== undefined) statistic = { statCode, value, inc };
  }

  if (problems.length > 0 || userId === undefined || resolvedNamespace === undefined || eventId === undefined || time === undefined) {
    return { ok: false, reason: problems.join('; ') };
  }
  const marks = { ...(givenId === undefined ? { idSource: 'content' as const } : {}), ...(time.received ? { timeSource: 'received' as const } : {}) };
  const common = { id: eventId, userId, namespace: resolvedNamespace, occurredAt: time.at };
  if (kind === 'userLoggedIn') return { ok: true, event: { ...common, type: 'login', ...marks }, adjustments };
  if (statistic === undefined) return { ok: false, reason: 'payload: not a statistic' };
  return { ok: true, event: { ...common, type: 'statistic', ...statistic, ...marks }, adjustments };
}

/** A non-empty string, or undefined for "absent" (missing, null or ""); anything else is a problem. */
function presentText(path: string, value: unknown, problems: string[]): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push(`${path}: must be a string`);
    return undefined;
  }
  return value;
}

/** The first present value of several places that may hold the same fact; two different values are a conflict. */
function agreeingText(field: string, places: ReadonlyArray<readonly [string, unknown]>, problems: string[]): string | undefined {
  let found: { path: string; value: string } | undefined;
  for (const [path, raw] of places) {
    const value = presentText(path, raw, problems);
    if (value === undefined) continue;
    if (found === undefined) found = { path, value };
    else if (found.value !== value) {
      problems.push(`${field}: ${JSON.stringify(found.value)} at ${found.path} disagrees with ${path} ${JSON.stringify(value)}`);
      return undefined;
    }
  }
  return found?.value;
}

function checkedId(path: string, value: string, problems: string[]): string | undefined {
  const result = id.safeParse(value);
  if (result.success) return result.data;
  problems.push(...result.error.issues.map((issue) => `${path}: ${issue.message}`));
  return undefined;
}

function occurredAtOf(record: Record<string, unknown>, receivedAt: Date | undefined, problems: string[]): { at: Date; received: boolean } | undefined {
  const path = record.timestamp === undefined && record.occurredAt !== undefined ? 'occurredAt' : 'timestamp';
  const raw = record.timestamp ?? record.occurredAt;
  if (raw === undefined || raw === null || raw === '') {
    if (receivedAt !== undefined && isStorableTime(receivedAt.getTime())) return { at: receivedAt, received: true };
    problems.push(`${path}: missing (an event without a time is taken only from a live delivery, which passes its receive time)`);
    return undefined;
  }
  const result = instant.safeParse(raw);
  if (result.success) return { at: result.data, received: false };
  problems.push(...result.error.issues.map((issue) => `${path}: ${issue.message}`));
  return undefined;
}

/** Proto3 JSON writes a double as a number or a string ("1.5", "NaN", "Infinity"); absent is 0. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * An AGS `latestValue`/`inc` as progress: the integer part (as the Go handler
 * does; the dropped fraction is counted), a negative value as 0 (counted),
 * past INT max refused (no goal can hold it).
 */
function agsAmount(path: string, raw: unknown, adjustments: EventAdjustments, problems: string[]): number | undefined {
  let value: number;
  if (raw === undefined || raw === null) value = 0;
  else if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && DECIMAL.test(raw.trim())) value = Number(raw);
  else if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity') value = Number.NaN;
  else {
    problems.push(`${path}: must be a number`);
    return undefined;
  }
  if (!Number.isFinite(value)) {
    problems.push(`${path}: is not a finite number`);
    return undefined;
  }
  if (value < 0) {
    adjustments.negativeValues += 1;
    return 0;
  }
  if (!Number.isInteger(value)) {
    adjustments.fractionsDropped += 1;
    value = Math.trunc(value);
  }
  if (value > MAX_PROGRESS) {
    problems.push(`${path}: overflows a 32-bit progress`);
    return undefined;
  }
  // -0 + 0 is +0: the same event, whatever sign of zero it came with
  return value + 0;
}

/**
 * An event without an id gets one from its content: SHA-256 of its kind and
 * its canonical JSON (keys sorted; fields at their proto3 default left out,
 * since proto3 cannot tell them from absent ones and encoders differ in
 * writing them). A retried delivery of the same content gets the same id,
 * over gRPC or as JSON, so publish dedupe and the worker's idempotency keys
 * see it once; the receive time is not part of it.
 */
function contentId(kind: AgsEventName, record: Record<string, unknown>): string {
  const { id: _id, ...content } = record;
  return `sha256:${createHash('sha256').update(canonicalJson([kind, content])).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .filter((key) => !isProtoDefault(key, value[key]))
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return 'null';
}

/** "", 0, false, null (and "0" for the int64 `version`): what proto3 does not write. */
function isProtoDefault(key: string, value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === 0 || value === false || (key === 'version' && value === '0');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutUndefined<T extends GameEvent>(event: T): T {
  for (const key of Object.keys(event) as Array<keyof T>) if (event[key] === undefined) delete event[key];
  return event;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'event'}: ${issue.message}`).join('; ');
}
