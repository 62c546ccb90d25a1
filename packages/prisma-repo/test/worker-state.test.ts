import { SourcePositionConflictError } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../src/index.js';
import { useRepository } from './support/test-repository.js';

const f = useRepository();

describe('source positions', () => {
  it('loadSourcePositions returns [] for an unknown source', async () => {
    expect(await f.repo.loadSourcePositions('nats')).toEqual([]);
  });

  it('stores, overwrites and loads positions per partition (last one given wins)', async () => {
    await f.repo.storeSourcePositions([
      { source: 'nats', partition: 'p1', position: 10n },
      { source: 'nats', partition: 'p0', position: 5n },
      { source: 'file', partition: 'p0', position: 1n },
    ]);
    await f.repo.storeSourcePositions([
      { source: 'nats', partition: 'p1', position: 11n },
      { source: 'nats', partition: 'p1', position: 9_007_199_254_740_993n },
    ]);
    expect(await f.repo.loadSourcePositions('nats')).toEqual([
      { source: 'nats', partition: 'p0', position: 5n },
      { source: 'nats', partition: 'p1', position: 9_007_199_254_740_993n },
    ]);
  });
});

describe('recordDeadLetters', () => {
  const letter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
    source: 'nats', partition: 'p0', position: 1n, goalId: '', eventId: 'e1', payload: '{"bad"', reason: 'malformed JSON', errorCode: 'EVENT_MALFORMED', ...overrides,
  });

  it('records letters with every field', async () => {
    await f.repo.recordDeadLetters([letter(), letter({ position: 2n, goalId: 'g1', eventId: null, payload: 'tab\tnew\nline 🎮', reason: 'check violation', errorCode: 'DATABASE_ERROR' })]);
    const { rows } = await f.admin.query('SELECT source, partition, position::text, goal_id, event_id, payload, reason, error_code FROM dead_letters ORDER BY position');
    expect(rows).toEqual([
      { source: 'nats', partition: 'p0', position: '1', goal_id: '', event_id: 'e1', payload: '{"bad"', reason: 'malformed JSON', error_code: 'EVENT_MALFORMED' },
      { source: 'nats', partition: 'p0', position: '2', goal_id: 'g1', event_id: null, payload: 'tab\tnew\nline 🎮', reason: 'check violation', error_code: 'DATABASE_ERROR' },
    ]);
  });

  it('does not duplicate a letter recorded again (a replay), nor duplicates inside one call', async () => {
    await f.repo.recordDeadLetters([letter(), letter()]);
    await f.repo.recordDeadLetters([letter({ reason: 'again' })]);
    const { rows } = await f.admin.query('SELECT reason FROM dead_letters');
    expect(rows).toEqual([{ reason: 'malformed JSON' }]);
  });
});

describe('advanceSourcePosition (compare-and-set)', () => {
  it('moves from the expected value, and reports the stored value on a conflict without writing', async () => {
    const repo = f.repo;
    {
      await repo.advanceSourcePosition({ source: 'cas', partition: '0', from: null, to: 10n });
      await repo.advanceSourcePosition({ source: 'cas', partition: '0', from: 10n, to: 25n });
      expect(await repo.loadSourcePositions('cas')).toEqual([{ source: 'cas', partition: '0', position: 25n }]);

      const stale = await repo.advanceSourcePosition({ source: 'cas', partition: '0', from: 10n, to: 30n }).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(SourcePositionConflictError);
      expect(stale).toMatchObject({ code: 'SOURCE_POSITION_CONFLICT', expected: 10n, actual: 25n });
      const again = await repo.advanceSourcePosition({ source: 'cas', partition: '0', from: null, to: 30n }).catch((e: unknown) => e);
      expect(again).toMatchObject({ code: 'SOURCE_POSITION_CONFLICT', expected: null, actual: 25n });
      expect(await repo.loadSourcePositions('cas')).toEqual([{ source: 'cas', partition: '0', position: 25n }]);
    }
  });
});

describe('source identity: checkpoints and fingerprints', () => {
  it('stores the checkpoint of every move and keeps the first fingerprint; loads them back', async () => {
    const repo = f.repo;
    await repo.advanceSourcePosition({ source: 'id', partition: '0', from: null, to: 10n, checkpoint: '10:aa', fingerprint: 'fp-1' });
    await repo.advanceSourcePosition({ source: 'id', partition: '0', from: 10n, to: 20n, checkpoint: '10:bb', fingerprint: 'fp-other' });
    expect(await repo.loadSourcePositions('id')).toEqual([{ source: 'id', partition: '0', position: 20n, checkpoint: '10:bb', fingerprint: 'fp-1' }]);
    await repo.advanceSourcePosition({ source: 'copy', partition: '0', from: null, to: 5n, fingerprint: 'fp-1' });
    expect((await repo.findSourcesByFingerprint('fp-1')).map((p) => p.source)).toEqual(['copy', 'id']);
    expect(await repo.findSourcesByFingerprint('fp-none')).toEqual([]);
  });

  it('refuses a move backwards (ValidationError) and writes nothing', async () => {
    const repo = f.repo;
    await repo.advanceSourcePosition({ source: 'back', partition: '0', from: null, to: 50n });
    const error = await repo.advanceSourcePosition({ source: 'back', partition: '0', from: 50n, to: 40n }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'to', message: expect.stringContaining('only move forward') }] });
    expect(await repo.loadSourcePositions('back')).toEqual([{ source: 'back', partition: '0', position: 50n }]);
  });

  it('records the length and hash of a dead letter\'s whole payload', async () => {
    const sha = 'a'.repeat(64);
    await f.repo.recordDeadLetters([
      { source: 'big', partition: '0', position: 1n, goalId: '', eventId: null, payload: 'x…', reason: 'r', errorCode: 'MALFORMED_EVENT', payloadBytes: 100_000, payloadSha256: sha },
    ]);
    const { rows } = await f.admin.query(`SELECT payload_bytes::int AS bytes, payload_sha256 FROM dead_letters WHERE source = 'big'`);
    expect(rows).toEqual([{ bytes: 100_000, payload_sha256: sha }]);
    const bad = await f.repo
      .recordDeadLetters([{ source: 'big', partition: '0', position: 2n, goalId: '', eventId: null, payload: '', reason: 'r', errorCode: 'E', payloadSha256: 'XYZ' }])
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
