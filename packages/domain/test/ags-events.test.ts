import { describe, expect, it } from 'vitest';
import { formatNativeEvent, parseGameEvent, parseGameEventLine, planEventEffects, type EventParseOptions, type EventParseResult, type GameEvent } from '../src/index.js';
import { indexOf } from './builders.js';

/**
 * Events as AccelByte Gaming Services (AGS) sends them (issue 21): proto3 JSON
 * of `accelbyte.iam.account.v1.UserLoggedIn` and
 * `accelbyte.social.statistic.v1.StatItemUpdated`, where every field may be
 * absent, `latestValue`/`inc` are doubles, the user id may live only in the
 * payload, and on Extend's gRPC path the method (not `name`) says the kind.
 * The payloads are written here from the published field lists.
 */

function accepted(result: EventParseResult): Extract<EventParseResult, { ok: true }> {
  if (!result.ok) expect.fail(`refused: ${result.reason}`);
  return result;
}

function refusal(result: EventParseResult): string {
  if (result.ok) expect.fail(`accepted: ${JSON.stringify(result.event)}`);
  expect(result.ignored).toBeUndefined();
  return result.reason;
}

const receivedAt = new Date('2026-12-02T10:00:00.000Z');
const grpcStat: EventParseOptions = { sourceKind: 'statItemUpdated', receivedAt };
const grpcLogin: EventParseOptions = { sourceKind: 'userLoggedIn', receivedAt };

const statItem = { namespace: 'mygame', statCode: 'kills', userId: 'u1', latestValue: 12, inc: 2 };

describe('the five breakages of issue 21 (each failed on the parser before this change)', () => {
  it('1. no name: the source says the kind; a fully qualified topic name is understood', () => {
    const unnamed = { id: 'e1', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T09:00:00Z', payload: statItem };
    expect(accepted(parseGameEvent(unnamed, grpcStat)).event).toMatchObject({ type: 'statistic', statCode: 'kills', value: 12, inc: 2 });
    const qualified = { ...unnamed, name: 'mygame.social.statistic.v1.statItemUpdated' };
    expect(accepted(parseGameEvent(qualified)).event).toMatchObject({ type: 'statistic', statCode: 'kills' });
    const login = { id: 'e2', name: 'mygame.iam.account.v1.userLoggedIn', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T09:00:00Z' };
    expect(accepted(parseGameEvent(login)).event).toMatchObject({ type: 'login', userId: 'u1' });
  });

  it('2. inc and latestValue are doubles: the integer part is taken and the dropped fractions are counted', () => {
    const event = { id: 'e3', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T09:00:00Z', payload: { ...statItem, latestValue: 10.75, inc: 1.5 } };
    const result = accepted(parseGameEvent(event));
    expect(result.event).toMatchObject({ value: 10, inc: 1 });
    expect(result.adjustments).toEqual({ fractionsDropped: 2, negativeValues: 0 });
  });

  it('3. the user id only in payload.userId or payload.userAccount.userId', () => {
    const stat = { id: 'e4', name: 'statItemUpdated', namespace: 'mygame', timestamp: '2026-12-01T09:00:00Z', payload: statItem };
    expect(accepted(parseGameEvent(stat)).event.userId).toBe('u1');
    const login = { id: 'e5', name: 'userLoggedIn', namespace: 'mygame', timestamp: '2026-12-01T09:00:00Z', payload: { userAccount: { userId: 'u9', namespace: 'mygame' } } };
    expect(accepted(parseGameEvent(login)).event.userId).toBe('u9');
  });

  it('4. a negative stat value is legal in AGS: taken as 0 and counted, not refused', () => {
    const event = { id: 'e6', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T09:00:00Z', payload: { ...statItem, latestValue: -4, inc: -1 } };
    const result = accepted(parseGameEvent(event));
    expect(result.event).toMatchObject({ value: 0, inc: 0 });
    expect(result.adjustments).toEqual({ fractionsDropped: 0, negativeValues: 2 });
  });

  it('5. an absent inc is the proto default 0 (increment goals do not move), and the namespace filter ignores other namespaces', () => {
    const { inc: _inc, ...withoutInc } = statItem;
    const event = { id: 'e7', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T09:00:00Z', payload: withoutInc };
    const parsed = accepted(parseGameEvent(event)).event;
    expect(parsed).toMatchObject({ inc: 0, value: 12 });
    const index = indexOf({ c1: [{ id: 'abs' }, { id: 'inc', type: 'increment' }] });
    const plan = planEventEffects(index, parsed);
    expect(plan.outcome === 'applied' ? plan.effects.map((e) => `${e.goalId}:${e.kind}`) : plan).toEqual(['abs:set']);

    const elsewhere = parseGameEvent({ ...event, namespace: 'othergame', payload: { ...withoutInc, namespace: 'othergame' } }, { namespace: 'mygame' });
    expect(elsewhere).toEqual({ ok: false, ignored: true, reason: 'namespace "othergame" is not this deployment\'s ("mygame")' });
    expect(parseGameEvent(event, { namespace: 'mygame' }).ok).toBe(true);
  });
});

/**
 * The corpus: one entry per shape AGS produces (Extend demo and load tests
 * without name/id/timestamp, handler tests, the Kafka topic form, proto3 JSON
 * with defaults omitted or written out), each with what it must become.
 */
interface CorpusCase {
  shape: string;
  input: unknown;
  options?: EventParseOptions;
  expected: Partial<GameEvent> & Record<string, unknown>;
}

const at = '2026-12-01T09:00:00.123456789Z';
const atMs = new Date('2026-12-01T09:00:00.123Z');
const corpus: CorpusCase[] = [
  {
    shape: 'statItemUpdated, every envelope and StatItem field, RFC 3339 with nanoseconds',
    input: {
      id: 'a1', version: 1, name: 'statItemUpdated', namespace: 'mygame', parentNamespace: 'mypub', timestamp: at, clientId: 'c', userId: 'u1', traceId: 't', sessionId: 's',
      payload: { namespace: 'mygame', statCode: 'kills', userId: 'u1', latestValue: 40, inc: 5, additionalData: {}, defaultValue: 0, requestValue: 5, updateStrategy: 'INCREMENT' },
    },
    expected: { id: 'a1', type: 'statistic', userId: 'u1', namespace: 'mygame', occurredAt: atMs, statCode: 'kills', value: 40, inc: 5 },
  },
  {
    shape: 'statItemUpdated, topic-form name',
    input: { id: 'a2', name: 'mygame.social.statistic.v1.statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { statCode: 'kills', latestValue: 3, inc: 1 } },
    expected: { id: 'a2', type: 'statistic', value: 3, inc: 1 },
  },
  {
    shape: 'statItemUpdated over gRPC: no name',
    input: { id: 'a3', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { statCode: 'kills', latestValue: 7, inc: 7 } },
    options: grpcStat,
    expected: { id: 'a3', type: 'statistic', value: 7, inc: 7 },
  },
  {
    shape: 'statItemUpdated over gRPC: no name, no timestamp (receive time, marked)',
    input: { id: 'a4', namespace: 'mygame', userId: 'u1', payload: { statCode: 'kills', latestValue: 8, inc: 1 } },
    options: grpcStat,
    expected: { id: 'a4', occurredAt: receivedAt, timeSource: 'received' },
  },
  {
    shape: 'statItemUpdated load-test style: no name, no id, no timestamp, user only in the payload',
    input: { namespace: 'mygame', payload: { userId: 'u2', statCode: 'kills', latestValue: 9 } },
    options: grpcStat,
    expected: { userId: 'u2', value: 9, inc: 0, idSource: 'content', timeSource: 'received' },
  },
  {
    shape: 'statItemUpdated with the envelope userId written out empty (proto3 default)',
    input: { id: 'a6', name: 'statItemUpdated', namespace: 'mygame', userId: '', timestamp: at, payload: { userId: 'u3', statCode: 'kills', latestValue: 1, inc: 1 } },
    expected: { userId: 'u3' },
  },
  {
    shape: 'statItemUpdated with fractional doubles',
    input: { id: 'a7', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { statCode: 'playtime', latestValue: 99.9, inc: 0.25 } },
    expected: { statCode: 'playtime', value: 99, inc: 0 },
  },
  {
    shape: 'statItemUpdated OVERRIDE strategy: no inc',
    input: { id: 'a8', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { statCode: 'rank', latestValue: 1200, updateStrategy: 'OVERRIDE' } },
    expected: { value: 1200, inc: 0 },
  },
  {
    shape: 'statItemUpdated below zero (a decrement)',
    input: { id: 'a9', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { statCode: 'balance', latestValue: -30, inc: -10 } },
    expected: { value: 0, inc: 0 },
  },
  {
    shape: 'statItemUpdated with doubles as proto3 JSON strings and epoch milliseconds',
    input: { id: 'a10', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: Date.UTC(2026, 11, 1, 9), payload: { statCode: 'kills', latestValue: '15', inc: '2.0' } },
    expected: { value: 15, inc: 2, occurredAt: new Date('2026-12-01T09:00:00Z') },
  },
  {
    shape: 'statItemUpdated without an envelope namespace: the StatItem namespace',
    input: { id: 'a11', name: 'statItemUpdated', userId: 'u1', timestamp: at, payload: { namespace: 'mygame', statCode: 'kills', latestValue: 2, inc: 1 } },
    expected: { namespace: 'mygame' },
  },
  {
    shape: 'userLoggedIn, bare name, envelope user',
    input: { id: 'b1', name: 'userLoggedIn', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { userAccount: { userId: 'u1', namespace: 'mygame' }, userAuthentication: { platformId: 'steam', refresh: false } } },
    expected: { id: 'b1', type: 'login', userId: 'u1', namespace: 'mygame', occurredAt: atMs },
  },
  {
    shape: 'userLoggedIn, topic-form name, user only in payload.userAccount',
    input: { id: 'b2', name: 'mygame.iam.account.v1.userLoggedIn', namespace: 'mygame', timestamp: at, payload: { userAccount: { userId: 'u4', namespace: 'mygame', emailAddress: 'x@example.com', country: 'DE' } } },
    expected: { type: 'login', userId: 'u4' },
  },
  {
    shape: 'userLoggedIn over gRPC: no name, no id, no timestamp',
    input: { namespace: 'mygame', userId: 'u5', payload: { userAccount: { userId: 'u5' }, userAuthentication: { platformId: 'justice', refresh: true } } },
    options: grpcLogin,
    expected: { type: 'login', userId: 'u5', occurredAt: receivedAt, idSource: 'content', timeSource: 'received' },
  },
  {
    shape: 'userLoggedIn without an envelope namespace: the account namespace',
    input: { id: 'b5', name: 'userLoggedIn', userId: 'u6', timestamp: at, payload: { userAccount: { userId: 'u6', namespace: 'mygame' } } },
    expected: { namespace: 'mygame', userId: 'u6' },
  },
  {
    shape: 'userLoggedIn with version as an int64 string and an offset time',
    input: { id: 'b6', version: '2', name: 'userLoggedIn', namespace: 'mygame', userId: 'u1', timestamp: '2026-12-01T10:00:00+01:00', clientId: 'c', traceId: 't', sessionId: 's' },
    expected: { occurredAt: new Date('2026-12-01T09:00:00Z') },
  },
  {
    shape: 'userLoggedIn over gRPC with a name that agrees',
    input: { id: 'b7', name: 'userLoggedIn', namespace: 'mygame', userId: 'u1', timestamp: at },
    options: grpcLogin,
    expected: { type: 'login', id: 'b7' },
  },
];

describe('the AGS corpus', () => {
  it('holds at least 15 shapes', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
  });

  it.each(corpus)('$shape', ({ input, options, expected }) => {
    const result = accepted(parseGameEvent(input, options));
    expect(result.event).toMatchObject(expected);
    if (expected.timeSource === undefined) expect(result.event.timeSource).toBeUndefined();
    if (expected.idSource === undefined) expect(result.event.idSource).toBeUndefined();
  });

  it('every accepted event survives its native wire form unchanged (what the ingress publishes)', () => {
    for (const { input, options } of corpus) {
      const event = accepted(parseGameEvent(input, options)).event;
      expect(accepted(parseGameEventLine(formatNativeEvent(event))).event).toEqual(event);
    }
  });
});

describe('refused AGS shapes, each for a documented reason', () => {
  const base = { id: 'r1', name: 'statItemUpdated', namespace: 'mygame', userId: 'u1', timestamp: at, payload: statItem };
  const cases: Array<{ what: string; input: unknown; options?: EventParseOptions; reason: RegExp }> = [
    { what: 'two different user ids', input: { ...base, payload: { ...statItem, userId: 'u2' } }, reason: /userId: "u1" .* payload\.userId "u2"/ },
    { what: 'two different user ids in a login', input: { id: 'r2', name: 'userLoggedIn', namespace: 'mygame', userId: 'u1', timestamp: at, payload: { userAccount: { userId: 'u2' } } }, reason: /payload\.userAccount\.userId "u2"/ },
    { what: 'no user id anywhere', input: { ...base, userId: undefined, payload: { statCode: 'kills', latestValue: 1 } }, reason: /userId: missing/ },
    { what: 'no namespace anywhere', input: { ...base, namespace: undefined, payload: { statCode: 'kills', latestValue: 1 } }, reason: /namespace: missing/ },
    { what: 'two different namespaces', input: { ...base, payload: { ...statItem, namespace: 'other' } }, reason: /namespace: "mygame" .* payload\.namespace "other"/ },
    { what: 'no statCode', input: { ...base, payload: { latestValue: 1 } }, reason: /payload\.statCode/ },
    { what: 'no payload', input: { ...base, payload: undefined }, reason: /payload/ },
    { what: 'a name of the other kind than the gRPC method', input: base, options: grpcLogin, reason: /name "statItemUpdated" .* userLoggedIn/ },
    { what: 'no name and no source kind', input: { ...base, name: undefined }, reason: /unknown event type undefined/ },
    { what: 'a name of another AGS event', input: { ...base, name: 'mygame.iam.account.v1.userLoggedOut' }, reason: /unknown event type/ },
    { what: 'no timestamp and no receive time (a replay cannot know it)', input: { ...base, timestamp: undefined }, reason: /timestamp: missing/ },
    { what: 'a NaN double', input: { ...base, payload: { ...statItem, latestValue: 'NaN' } }, reason: /payload\.latestValue: is not a finite number/ },
    { what: 'an Infinity inc', input: { ...base, payload: { ...statItem, inc: 'Infinity' } }, reason: /payload\.inc: is not a finite number/ },
    { what: 'a value that is not a number', input: { ...base, payload: { ...statItem, latestValue: 'ten' } }, reason: /payload\.latestValue/ },
    { what: 'a latestValue past INT max', input: { ...base, payload: { ...statItem, latestValue: 3e9 } }, reason: /payload\.latestValue: overflows/ },
    { what: 'a zone-less timestamp', input: { ...base, timestamp: '2026-12-01T09:00:00' }, reason: /timestamp: .*time zone/ },
    { what: 'an id over 100 characters', input: { ...base, id: 'x'.repeat(101) }, reason: /^id: / },
  ];

  it.each(cases)('$what', ({ input, options, reason }) => {
    expect(refusal(parseGameEvent(input, options))).toMatch(reason);
  });
});

describe('derived ids: a retried delivery gets the same id, a different event another', () => {
  const unnamed = { namespace: 'mygame', userId: 'u1', payload: { statCode: 'kills', latestValue: 3, inc: 1 } };

  it('is the same for the same content whatever the key order, the receive time or the JSON text', () => {
    const first = accepted(parseGameEvent(unnamed, grpcStat)).event;
    const reordered = { payload: { inc: 1, latestValue: 3, statCode: 'kills' }, userId: 'u1', namespace: 'mygame' };
    const later = accepted(parseGameEvent(reordered, { ...grpcStat, receivedAt: new Date('2026-12-02T11:00:00Z') })).event;
    expect(later.id).toBe(first.id);
    expect(first.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(accepted(parseGameEventLine(JSON.stringify(unnamed), grpcStat)).event.id).toBe(first.id);
  });

  it('differs when any field differs, and between the two kinds', () => {
    const first = accepted(parseGameEvent(unnamed, grpcStat)).event.id;
    expect(accepted(parseGameEvent({ ...unnamed, payload: { ...unnamed.payload, latestValue: 4 } }, grpcStat)).event.id).not.toBe(first);
    expect(accepted(parseGameEvent({ ...unnamed, sessionId: 's2' }, grpcStat)).event.id).not.toBe(first);
    // the same object delivered to the login method is another event
    expect(accepted(parseGameEvent(unnamed, grpcLogin)).event.id).not.toBe(first);
  });

  it('fields at their proto3 default do not change it: an encoder that writes them and one that leaves them out agree', () => {
    const first = accepted(parseGameEvent(unnamed, grpcStat)).event.id;
    const written = { ...unnamed, userId: 'u1', version: '0', clientId: '', payload: { ...unnamed.payload, defaultValue: 0, ignoreAdditionalDataOnValueRejected: false } };
    expect(accepted(parseGameEvent(written, grpcStat)).event.id).toBe(first);
    expect(accepted(parseGameEvent({ ...unnamed, payload: { ...unnamed.payload, inc: 0 } }, grpcStat)).event.id).toBe(accepted(parseGameEvent({ ...unnamed, payload: { statCode: 'kills', latestValue: 3 } }, grpcStat)).event.id);
  });

  it('an empty id is proto3 for "absent": derived too', () => {
    expect(accepted(parseGameEvent({ ...unnamed, id: '' }, grpcStat)).event.idSource).toBe('content');
  });
});

describe('the native shapes are unchanged', () => {
  it('a native statistic without inc still counts 1 for increment goals; a native negative value is still refused', () => {
    const native = { id: 'n1', type: 'statistic', userId: 'u1', namespace: 'ns', occurredAt: '2024-05-01T10:00:00Z', statCode: 'kills', value: 4 };
    const result = accepted(parseGameEvent(native));
    expect('inc' in result.event).toBe(false);
    expect(result.adjustments).toEqual({ fractionsDropped: 0, negativeValues: 0 });
    const index = indexOf({ c1: [{ id: 'inc', type: 'increment' }] });
    const plan = planEventEffects(index, result.event);
    expect(plan.outcome === 'applied' ? plan.effects : []).toMatchObject([{ kind: 'increment', delta: 1 }]);
    expect(refusal(parseGameEvent({ ...native, value: -1 }))).toMatch(/value: must not be negative/);
    expect(refusal(parseGameEvent({ ...native, inc: 1.5 }))).toMatch(/inc/);
  });

  it('a native event needs no options and ignores a receive time', () => {
    const native = { id: 'n2', type: 'login', userId: 'u1', namespace: 'ns', occurredAt: '2024-05-01T10:00:00Z' };
    expect(accepted(parseGameEvent(native, { receivedAt })).event.occurredAt).toEqual(new Date('2024-05-01T10:00:00Z'));
    expect(refusal(parseGameEvent({ ...native, occurredAt: undefined }, { receivedAt }))).toMatch(/occurredAt/);
  });
});
