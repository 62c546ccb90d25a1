import { describe, expect, it } from 'vitest';
import { parseGameEvent, parseGameEventLine, type EventParseResult, type GameEvent } from '../src/index.js';
import { inTimeZone } from './builders.js';

function parsed(result: EventParseResult): GameEvent {
  if (!result.ok) expect.fail(`rejected: ${result.reason}`);
  return result.event;
}

function reasonOf(result: EventParseResult): string {
  if (result.ok) expect.fail(`accepted: ${JSON.stringify(result.event)}`);
  return result.reason;
}

const nativeLogin = { id: 'e1', type: 'login', userId: 'u1', namespace: 'ns', occurredAt: '2024-05-01T10:00:00Z' };
const nativeStatistic = { id: 'e2', type: 'statistic', userId: 'u1', namespace: 'ns', occurredAt: '2024-05-01T10:00:00.250Z', statCode: 'kills', value: 7 };
const platformLogin = { id: 'e3', name: 'userLoggedIn', userId: 'u1', namespace: 'ns', timestamp: '2024-05-01T10:00:00Z' };
const platformStatistic = { id: 'e4', name: 'statItemUpdated', userId: 'u1', namespace: 'ns', timestamp: '2024-05-01T10:00:00Z', payload: { statCode: 'kills', latestValue: 12 } };

describe('parseGameEvent: accepted shapes', () => {
  it('native login', () => {
    expect(parsed(parseGameEvent(nativeLogin))).toEqual({ id: 'e1', type: 'login', userId: 'u1', namespace: 'ns', occurredAt: new Date('2024-05-01T10:00:00Z') });
  });

  it('native statistic, without and with inc', () => {
    const event = parsed(parseGameEvent(nativeStatistic));
    expect(event).toEqual({ id: 'e2', type: 'statistic', userId: 'u1', namespace: 'ns', occurredAt: new Date('2024-05-01T10:00:00.250Z'), statCode: 'kills', value: 7 });
    expect('inc' in event).toBe(false);
    expect(parsed(parseGameEvent({ ...nativeStatistic, inc: 3 }))).toMatchObject({ inc: 3 });
  });

  it('native statistic keeps a fractional value (absolute goals truncate later)', () => {
    expect(parsed(parseGameEvent({ ...nativeStatistic, value: 7.9 }))).toMatchObject({ value: 7.9 });
  });

  it('platform userLoggedIn', () => {
    expect(parsed(parseGameEvent(platformLogin))).toEqual({ id: 'e3', type: 'login', userId: 'u1', namespace: 'ns', occurredAt: new Date('2024-05-01T10:00:00Z') });
  });

  it('platform statItemUpdated with payload.statCode / payload.latestValue (and payload.inc; absent is AGS\'s proto default 0, issue 21)', () => {
    expect(parsed(parseGameEvent(platformStatistic))).toEqual({
      id: 'e4',
      type: 'statistic',
      userId: 'u1',
      namespace: 'ns',
      occurredAt: new Date('2024-05-01T10:00:00Z'),
      statCode: 'kills',
      value: 12,
      inc: 0,
    });
    expect(parsed(parseGameEvent({ ...platformStatistic, payload: { ...platformStatistic.payload, inc: 2 } }))).toMatchObject({ inc: 2, value: 12 });
  });

  it('platform shapes may use type for name and occurredAt for timestamp', () => {
    const { name: _n, timestamp: _t, ...rest } = platformStatistic;
    expect(parsed(parseGameEvent({ ...rest, type: 'statItemUpdated', occurredAt: '2024-05-01T10:00:00Z' }))).toMatchObject({ type: 'statistic', value: 12 });
    const { name: _ln, timestamp: _lt, ...loginRest } = platformLogin;
    expect(parsed(parseGameEvent({ ...loginRest, type: 'userLoggedIn', occurredAt: '2024-05-01T10:00:00Z' }))).toMatchObject({ type: 'login' });
  });

  it('accepts epoch milliseconds and explicit offsets', () => {
    expect(parsed(parseGameEvent({ ...nativeLogin, occurredAt: Date.UTC(2024, 4, 1, 10) })).occurredAt).toEqual(new Date('2024-05-01T10:00:00Z'));
    expect(parsed(parseGameEvent({ ...nativeLogin, occurredAt: '2024-05-01T01:00:00+02:00' })).occurredAt).toEqual(new Date('2024-04-30T23:00:00Z'));
  });

  it('accepts value 0 and values up to INT max', () => {
    expect(parsed(parseGameEvent({ ...nativeStatistic, value: 0 }))).toMatchObject({ value: 0 });
    expect(parsed(parseGameEvent({ ...nativeStatistic, value: 2_147_483_647 }))).toMatchObject({ value: 2_147_483_647 });
  });

  it('accepts ids of exactly 100 characters, counted in code points', () => {
    expect(parsed(parseGameEvent({ ...nativeLogin, userId: 'u'.repeat(100) })).userId).toHaveLength(100);
    expect(parsed(parseGameEvent({ ...nativeLogin, userId: '🎮'.repeat(100) })).userId).toBe('🎮'.repeat(100));
  });

  it('keeps ids with quotes, newlines and backslashes exactly', () => {
    const userId = 'a"b\n\\c\t,d';
    expect(parsed(parseGameEventLine(JSON.stringify({ ...nativeLogin, userId }))).userId).toBe(userId);
  });
});

describe('parseGameEvent: rejected with a reason', () => {
  const cases: Array<{ what: string; input: unknown; reason: RegExp }> = [
    { what: 'null', input: null, reason: /not a JSON object/ },
    { what: 'an array', input: [nativeLogin], reason: /not a JSON object/ },
    { what: 'a string', input: 'login', reason: /not a JSON object/ },
    { what: 'unknown type', input: { ...nativeLogin, type: 'purchase' }, reason: /unknown event type "purchase"/ },
    { what: 'no type at all', input: { id: 'e', userId: 'u', namespace: 'n', occurredAt: '2024-05-01T10:00:00Z' }, reason: /unknown event type/ },
    { what: 'negative value', input: { ...nativeStatistic, value: -1 }, reason: /value: must not be negative/ },
    { what: 'value above INT max', input: { ...nativeStatistic, value: 2_147_483_648 }, reason: /value: overflows/ },
    { what: 'non-finite value', input: { ...nativeStatistic, value: Number.POSITIVE_INFINITY }, reason: /value/ },
    { what: 'NaN value', input: { ...nativeStatistic, value: Number.NaN }, reason: /value/ },
    { what: 'value as a string', input: { ...nativeStatistic, value: '7' }, reason: /value/ },
    { what: 'negative inc', input: { ...nativeStatistic, inc: -1 }, reason: /inc: must not be negative/ },
    { what: 'fractional inc', input: { ...nativeStatistic, inc: 1.5 }, reason: /inc/ },
    { what: 'missing statCode', input: { ...nativeStatistic, statCode: undefined }, reason: /statCode/ },
    { what: 'empty statCode', input: { ...nativeStatistic, statCode: '' }, reason: /statCode/ },
    { what: 'missing value', input: { ...nativeStatistic, value: undefined }, reason: /value/ },
    { what: 'missing payload', input: { ...platformStatistic, payload: undefined }, reason: /payload/ },
    { what: 'missing userId', input: { ...nativeLogin, userId: undefined }, reason: /userId/ },
    { what: 'empty userId', input: { ...nativeLogin, userId: '' }, reason: /userId/ },
    { what: 'missing namespace', input: { ...nativeLogin, namespace: undefined }, reason: /namespace/ },
    { what: 'missing id', input: { ...nativeLogin, id: undefined }, reason: /^id: / },
    { what: 'missing occurredAt', input: { ...nativeLogin, occurredAt: undefined }, reason: /occurredAt/ },
    { what: 'missing platform timestamp', input: { ...platformLogin, timestamp: undefined }, reason: /timestamp/ },
    { what: 'userId over 100 characters', input: { ...nativeLogin, userId: 'u'.repeat(101) }, reason: /userId/ },
    { what: 'userId over 100 code points', input: { ...nativeLogin, userId: '🎮'.repeat(101) }, reason: /userId/ },
    { what: 'namespace over 100 characters', input: { ...nativeLogin, namespace: 'n'.repeat(101) }, reason: /namespace/ },
    { what: 'event id over 100 characters', input: { ...platformLogin, id: 'e'.repeat(101) }, reason: /^id: / },
    { what: 'an unparseable time', input: { ...nativeLogin, occurredAt: 'yesterday' }, reason: /occurredAt: is not a valid time/ },
    { what: 'an empty time', input: { ...nativeLogin, occurredAt: '' }, reason: /occurredAt: is not a valid time/ },
    { what: 'an out-of-range epoch', input: { ...nativeLogin, occurredAt: 9e15 }, reason: /occurredAt: is not a valid time/ },
    { what: 'a time as a boolean', input: { ...nativeLogin, occurredAt: true }, reason: /occurredAt/ },
    { what: 'an impossible calendar date', input: { ...nativeLogin, occurredAt: '2024-02-30T10:00:00Z' }, reason: /occurredAt: is not a valid time/ },
    { what: 'a bare number string', input: { ...nativeLogin, occurredAt: '1' }, reason: /occurredAt: is not a valid time/ },
    { what: 'a time without a zone (would depend on the process TZ)', input: { ...nativeLogin, occurredAt: '2024-05-01T10:00:00' }, reason: /occurredAt: .*time zone/ },
    { what: 'an invalid platform timestamp', input: { ...platformStatistic, timestamp: 'soon' }, reason: /timestamp: is not a valid time/ },
  ];

  it.each(cases)('$what', ({ input, reason }) => {
    expect(reasonOf(parseGameEvent(input))).toMatch(reason);
  });

  it('never throws, whatever the input', () => {
    for (const input of [undefined, 0, true, Symbol('x'), () => 1, new Date(), { type: {} }, { name: 'statItemUpdated', payload: 'x' }]) {
      expect(() => parseGameEvent(input)).not.toThrow();
      expect(parseGameEvent(input).ok).toBe(false);
    }
  });
});

describe('event times do not depend on the process time zone', () => {
  it.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC'])('%s', (tz) => {
    inTimeZone(tz, () => {
      expect(parsed(parseGameEvent({ ...nativeLogin, occurredAt: '2024-05-01T23:30:00Z' })).occurredAt.toISOString()).toBe('2024-05-01T23:30:00.000Z');
      expect(parsed(parseGameEvent({ ...nativeLogin, occurredAt: '2024-05-01T23:30:00-05:00' })).occurredAt.toISOString()).toBe('2024-05-02T04:30:00.000Z');
    });
  });
});

describe('parseGameEventLine', () => {
  it('parses one NDJSON line', () => {
    expect(parsed(parseGameEventLine(JSON.stringify(nativeStatistic)))).toMatchObject({ type: 'statistic', value: 7 });
  });

  it.each(['', '{', '{"id":', 'not json', '{"type":"login",}'])('rejects malformed JSON %j with a "not JSON" reason', (line) => {
    expect(reasonOf(parseGameEventLine(line))).toMatch(/^not JSON: /);
  });

  it('rejects valid JSON that is not an event', () => {
    expect(reasonOf(parseGameEventLine('42'))).toMatch(/not a JSON object/);
    expect(reasonOf(parseGameEventLine('{"type":"login"}'))).toMatch(/id|userId/);
  });
});

describe('ids PostgreSQL cannot store', () => {
  it('rejects U+0000 and lone surrogates in ids at parse time', () => {
    const at = '2026-11-01T00:00:00Z';
    expect(parseGameEventLine(JSON.stringify({ id: 'e', type: 'login', userId: 'bad\u0000id', namespace: 'n', occurredAt: at }))).toMatchObject({ ok: false, reason: expect.stringContaining('U+0000') });
    expect(parseGameEventLine(`{"id":"e","type":"login","userId":"\\ud800","namespace":"n","occurredAt":"${at}"}`)).toMatchObject({ ok: false, reason: expect.stringContaining('well-formed') });
  });
});

describe('times the database cannot store (issue #8 item 11)', () => {
  it('rejects an occurredAt outside years 1..9999 UTC at parse time, as epoch milliseconds or RFC 3339', () => {
    const login = (occurredAt: unknown) => JSON.stringify({ id: 'e', type: 'login', userId: 'u', namespace: 'n', occurredAt });
    expect(parseGameEventLine(login(8.64e15))).toMatchObject({ ok: false, reason: expect.stringContaining('years 1 to 9999') });
    expect(parseGameEventLine(login(-62_200_000_000_000))).toMatchObject({ ok: false, reason: expect.stringContaining('years 1 to 9999') });
    expect(parseGameEventLine(login('0000-06-01T00:00:00Z'))).toMatchObject({ ok: false, reason: expect.stringContaining('years 1 to 9999') });
    expect(parseGameEventLine(login('9999-12-31T23:59:59.999Z'))).toMatchObject({ ok: true });
    expect(parseGameEventLine(login('0001-01-01T00:00:00Z'))).toMatchObject({ ok: true });
  });
});
