import { fnv1a32, parseGameEvent, parseGameEventLine, type AgsEventName, type GameEvent } from '@goals/domain';
import { createEventPublisher, type StoredEvent } from '@goals/event-stream';
import { Client, credentials, status, type ClientDuplexStream } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventIngressServer } from '../src/grpc/event-ingress-server.js';
import { IngressMetrics } from '../src/observability/metrics.js';
import { loadAgsProtocol } from '../src/protocol/ags-protocol.js';
import { AgsClient } from './support/ags-client.js';
import { natsBinary, startHarness, type IngressHarness } from './support/ingress-harness.js';
import { readStream } from './support/stream-contents.js';

const PARTITIONS = 4;
const at = (minute: number) => `2026-12-01T09:${String(minute).padStart(2, '0')}:00.123456789Z`;

/** A mix of both events as AGS's tools send them: with and without name, id and timestamp. */
function mixedCalls(): Array<{ kind: AgsEventName; message: Record<string, unknown> }> {
  const calls: Array<{ kind: AgsEventName; message: Record<string, unknown> }> = [];
  for (let i = 0; i < 12; i++) {
    const user = `player-${i % 5}`;
    const named = i % 2 === 0;
    const withId = i % 3 !== 0;
    const withTime = i % 4 !== 1;
    calls.push({
      kind: 'statItemUpdated',
      message: {
        ...(named ? { name: i % 4 === 0 ? 'mygame.social.statistic.v1.statItemUpdated' : 'statItemUpdated' } : {}),
        ...(withId ? { id: `stat-${i}` } : {}),
        ...(withTime ? { timestamp: at(i) } : {}),
        namespace: 'mygame',
        // the user only in the payload every third call (the SDK leaves an empty envelope userId out)
        ...(i % 3 === 2 ? {} : { userId: user }),
        payload: { namespace: 'mygame', userId: user, statCode: i % 2 === 0 ? 'kills' : 'playtime', latestValue: 10 + i + 0.5, ...(i % 5 === 4 ? {} : { inc: (i % 3) + 0.25 }), updateStrategy: 'INCREMENT' },
      },
    });
    calls.push({
      kind: 'userLoggedIn',
      message: {
        ...(named ? { name: 'userLoggedIn' } : {}),
        ...(withId ? { id: `login-${i}` } : {}),
        ...(withTime ? { timestamp: at(i) } : {}),
        namespace: 'mygame',
        ...(i % 3 === 2 ? {} : { userId: user }),
        payload: { userAccount: { userId: user, namespace: 'mygame' }, userAuthentication: { platformId: 'steam', refresh: i % 2 === 0 } },
      },
    });
  }
  return calls;
}

describe.skipIf(natsBinary === null)('gRPC ingress on a private nats-server', () => {
  let harness: IngressHarness;
  beforeAll(async () => {
    harness = await startHarness({ partitions: PARTITIONS, namespace: 'mygame' }, PARTITIONS);
  });
  afterAll(async () => {
    await harness.dispose();
  });

  const calls = mixedCalls();

  it('stores a mix of both events, each once, on its user partition, with Nats-Msg-Id = event id, answering OK only once stored', async () => {
    const before = new Date();
    const results = await Promise.all(calls.map(({ kind, message }) => harness.client.send(kind, message)));
    const after = new Date();
    expect(results.filter((r) => !r.ok)).toEqual([]);

    const stored = await readStream(harness.observer);
    expect(stored).toHaveLength(calls.length);
    const byId = new Map(stored.map((m) => [m.msgId, m]));
    for (const { kind, message } of calls) {
      // the oracle: the domain parser on the message as sent (the receive time is checked as a range below)
      const expected = parseGameEvent(message, { sourceKind: kind, receivedAt: before });
      if (!expected.ok) expect.fail(`test data refused: ${expected.reason}`);
      const storedEvent = storedFor(byId, expected.event, message);
      expect(storedEvent.subject).toBe(`goals.events.${fnv1a32(expected.event.userId) % PARTITIONS}`);
      const event = parsedBody(storedEvent.body);
      const { occurredAt, id: _id, ...rest } = expected.event;
      expect(event).toMatchObject(rest);
      if (message.timestamp === undefined) {
        expect(event.timeSource).toBe('received');
        expect(event.occurredAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
        expect(event.occurredAt.getTime()).toBeLessThanOrEqual(after.getTime());
      } else {
        expect(event.occurredAt).toEqual(occurredAt);
      }
    }
    // spot checks written out by hand: integer parts, inc absent = 0, the payload's user
    const stat0 = parsedBody(byId.get('stat-1')?.body ?? '');
    expect(stat0).toMatchObject({ type: 'statistic', userId: 'player-1', statCode: 'playtime', value: 11, inc: 1 });
    const stat4 = parsedBody(byId.get('stat-4')?.body ?? '');
    expect(stat4).toMatchObject({ value: 14, inc: 0 });
    expect(parsedBody(byId.get('login-2')?.body ?? '')).toMatchObject({ type: 'login', userId: 'player-2' });
  });

  it('a retried call (the same message again) is answered OK and stored once: the Nats-Msg-Id dedupes, derived ids included', async () => {
    const results = await Promise.all(calls.map(({ kind, message }) => harness.client.send(kind, message)));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(await readStream(harness.observer)).toHaveLength(calls.length);
    const duplicates = await harness.ingress.metrics.calls.get();
    const total = (outcome: string) => duplicates.values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
    expect(total('duplicate')).toBe(calls.length);
    expect(total('stored')).toBe(calls.length);
  });

  it('refuses invalid events with INVALID_ARGUMENT and the reason, storing nothing', async () => {
    const before = (await readStream(harness.observer)).length;
    const refused: Array<{ kind: AgsEventName; message: Record<string, unknown>; reason: RegExp }> = [
      { kind: 'statItemUpdated', message: { id: 'bad-1', namespace: 'mygame', userId: 'u', timestamp: at(1), payload: { latestValue: 3 } }, reason: /payload\.statCode: missing/ },
      { kind: 'statItemUpdated', message: { id: 'bad-2', namespace: 'mygame', userId: 'u', timestamp: at(1), payload: { userId: 'v', statCode: 'kills' } }, reason: /userId: "u" .* payload\.userId "v"/ },
      { kind: 'userLoggedIn', message: { id: 'bad-3', name: 'statItemUpdated', namespace: 'mygame', userId: 'u', timestamp: at(1) }, reason: /contradicts the kind its source implies: userLoggedIn/ },
      { kind: 'userLoggedIn', message: { id: 'bad-4', namespace: 'mygame', timestamp: at(1) }, reason: /userId: missing/ },
      { kind: 'userLoggedIn', message: { id: 'bad-5', namespace: 'mygame', userId: 'u', timestamp: 'yesterday' }, reason: /timestamp: is not a valid time/ },
    ];
    for (const { kind, message, reason } of refused) {
      const result = await harness.client.send(kind, message);
      expect(result).toMatchObject({ ok: false, code: status.INVALID_ARGUMENT });
      expect(result.ok ? '' : result.details).toMatch(reason);
    }
    expect(await readStream(harness.observer)).toHaveLength(before);
  });

  it('answers OK to an event of another namespace and stores nothing (the deployment filter)', async () => {
    const before = (await readStream(harness.observer)).length;
    const result = await harness.client.send('userLoggedIn', { id: 'other-1', namespace: 'othergame', userId: 'u', timestamp: at(2) });
    expect(result).toEqual({ ok: true });
    expect(await readStream(harness.observer)).toHaveLength(before);
  });

  it("decodes AGS's field numbers: bytes encoded by hand from the published asyncapi field list", async () => {
    // StatItemUpdated: payload = 1, id = 2, namespace = 5, timestamp = 7, user_id = 9;
    // StatItem: stat_code = 2, user_id = 3, latest_value = 4 (double), inc = 5 (double)
    const statItem = Buffer.concat([text(2, 'kills'), text(3, 'raw-user'), double(4, 42.9), double(5, 2.5)]);
    const stat = Buffer.concat([bytes(1, statItem), text(2, 'raw-stat-1'), text(5, 'mygame'), text(7, '2026-12-01T10:00:00Z'), text(9, 'raw-user')]);
    expect(await harness.client.sendRaw('statItemUpdated', stat)).toEqual({ ok: true });
    // UserLoggedIn: payload = 1 { user_account = 1 { user_id = 1, namespace = 4 } }, id = 2, namespace = 5, timestamp = 7
    const account = Buffer.concat([text(1, 'raw-login-user'), text(4, 'mygame')]);
    const login = Buffer.concat([bytes(1, bytes(1, account)), text(2, 'raw-login-1'), text(5, 'mygame'), text(7, '2026-12-01T10:00:00Z')]);
    expect(await harness.client.sendRaw('userLoggedIn', login)).toEqual({ ok: true });

    const stored = new Map((await readStream(harness.observer)).map((m) => [m.msgId, parsedBody(m.body)]));
    expect(stored.get('raw-stat-1')).toMatchObject({ type: 'statistic', userId: 'raw-user', namespace: 'mygame', statCode: 'kills', value: 42, inc: 2, occurredAt: new Date('2026-12-01T10:00:00Z') });
    expect(stored.get('raw-login-1')).toMatchObject({ type: 'login', userId: 'raw-login-user', namespace: 'mygame' });
  });

  it('serves grpc.health.v1 (SERVING for the server and both services) and reflection listing both services', async () => {
    for (const name of ['', 'accelbyte.iam.account.v1.UserAuthenticationUserLoggedInService', 'accelbyte.social.statistic.v1.StatisticStatItemUpdatedService']) {
      expect(await harness.client.health(name)).toBe('SERVING');
    }
    const services = await listServicesByReflection(`127.0.0.1:${harness.ingress.grpcPort}`);
    expect(services).toEqual(expect.arrayContaining(['accelbyte.iam.account.v1.UserAuthenticationUserLoggedInService', 'accelbyte.social.statistic.v1.StatisticStatItemUpdatedService']));
  });

  it('exposes Prometheus metrics: calls by outcome, adjustments, call duration', async () => {
    const response = await fetch(`http://127.0.0.1:${harness.ingress.metricsPort}/metrics`);
    const body = await response.text();
    expect(body).toMatch(/goals_ingress_calls_total\{kind="statItemUpdated",outcome="stored"\} 13/);
    expect(body).toMatch(/goals_ingress_calls_total\{kind="userLoggedIn",outcome="ignored"\} 1/);
    expect(body).toMatch(/goals_ingress_adjustments_total\{kind="statItemUpdated",adjustment="fraction_dropped"\} \d+/);
    expect(body).toMatch(/goals_ingress_adjustments_total\{kind="userLoggedIn",adjustment="time_received"\} \d+/);
    expect(body).toMatch(/goals_ingress_call_duration_seconds_count\{kind="userLoggedIn"\} \d+/);
    expect((await fetch(`http://127.0.0.1:${harness.ingress.metricsPort}/readyz`)).status).toBe(200);
  });

  it('bounds the calls in flight: past the limit RESOURCE_EXHAUSTED, and the held calls still end OK once acknowledged', async () => {
    // the real publisher on the real server, held back until the test lets go, so the limit is reached without timing
    const publisher = await createEventPublisher({ connection: harness.observer });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let waiting = 0;
    const gated = {
      storeLine: async (line: string): Promise<StoredEvent> => {
        waiting += 1;
        await held;
        return publisher.storeLine(line);
      },
    };
    const server = new EventIngressServer({ protocol: loadAgsProtocol(), publisher: gated, metrics: new IngressMetrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }), maxInFlight: 2 });
    const port = await server.listen('127.0.0.1', 0);
    const client = new AgsClient(`127.0.0.1:${port}`);
    try {
      const first = client.send('userLoggedIn', { id: 'held-1', namespace: 'mygame', userId: 'h1', timestamp: at(3) });
      const second = client.send('userLoggedIn', { id: 'held-2', namespace: 'mygame', userId: 'h2', timestamp: at(3) });
      await waitFor(() => waiting === 2);
      expect(await client.send('userLoggedIn', { id: 'held-3', namespace: 'mygame', userId: 'h3', timestamp: at(3) })).toMatchObject({ ok: false, code: status.RESOURCE_EXHAUSTED });
      release();
      expect(await Promise.all([first, second])).toEqual([{ ok: true }, { ok: true }]);
      const ids = (await readStream(harness.observer)).map((m) => m.msgId);
      expect(ids).toEqual(expect.arrayContaining(['held-1', 'held-2']));
      expect(ids).not.toContain('held-3');
    } finally {
      client.close();
      await server.drain(5_000);
    }
  });
});

function storedFor(byId: Map<string | undefined, { subject: string; body: string; msgId: string | undefined }>, expected: GameEvent, message: Record<string, unknown>) {
  if (message.id !== undefined) {
    const found = byId.get(String(message.id));
    if (found === undefined) expect.fail(`event ${String(message.id)} not in the stream`);
    return found;
  }
  // a derived id: the stored message with the same user, kind and content, whose id is a content hash
  const candidates = [...byId.values()].filter((m) => {
    const event = parsedBody(m.body);
    return event.idSource === 'content' && event.userId === expected.userId && event.type === expected.type && (event.type !== 'statistic' || (expected.type === 'statistic' && event.statCode === expected.statCode && event.value === expected.value));
  });
  expect(candidates.length).toBeGreaterThanOrEqual(1);
  const [first] = candidates;
  if (first === undefined) expect.fail('no stored message for a call without id');
  expect(first.msgId).toMatch(/^sha256:[0-9a-f]{64}$/);
  return first;
}

function parsedBody(body: string): GameEvent {
  const parsed = parseGameEventLine(body);
  if (!parsed.ok) expect.fail(`stored message is not a native event: ${parsed.reason}: ${body}`);
  return parsed.event;
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

/** Protobuf wire format by hand: a length-delimited field (2) and a 64-bit field (1). */
function key(field: number, wireType: number): Buffer {
  return varint((field << 3) | wireType);
}
function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}
function bytes(field: number, content: Buffer): Buffer {
  return Buffer.concat([key(field, 2), varint(content.length), content]);
}
function text(field: number, value: string): Buffer {
  return bytes(field, Buffer.from(value, 'utf8'));
}
function double(field: number, value: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeDoubleLE(value);
  return Buffer.concat([key(field, 1), body]);
}

/** grpc.reflection.v1 ServerReflectionInfo: list_services. */
async function listServicesByReflection(address: string): Promise<string[]> {
  const reflectionProto = new URL('../node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto', import.meta.url).pathname;
  const definition = loadSync(reflectionProto, { keepCase: false, defaults: false });
  const service = definition['grpc.reflection.v1.ServerReflection'];
  if (service === undefined || !('ServerReflectionInfo' in service)) throw new Error('reflection.proto has no ServerReflection');
  const method = (service as Record<string, { path: string; requestSerialize: (v: object) => Buffer; responseDeserialize: (b: Buffer) => unknown }>).ServerReflectionInfo;
  if (method === undefined) throw new Error('no ServerReflectionInfo');
  const client = new Client(address, credentials.createInsecure());
  try {
    const stream: ClientDuplexStream<object, unknown> = client.makeBidiStreamRequest(method.path, (v: object) => method.requestSerialize(v), (b: Buffer) => method.responseDeserialize(b));
    const answer = new Promise<unknown>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.write({ listServices: '' });
    const response = (await answer) as { listServicesResponse?: { service?: Array<{ name?: string }> } };
    stream.end();
    return (response.listServicesResponse?.service ?? []).map((s) => s.name ?? '');
  } finally {
    client.close();
  }
}
