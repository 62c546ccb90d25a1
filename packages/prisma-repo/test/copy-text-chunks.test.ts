import { describe, expect, it } from 'vitest';
import { copyTextChunks, encodeField } from '../src/copy/copy-text-chunks.js';

describe('COPY text encoding', () => {
  it('escapes backslash, newline, carriage return and tab; writes NULL as \\N', () => {
    expect(encodeField('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
    expect(encodeField('\\N')).toBe('\\\\N');
    expect(encodeField(null)).toBe('\\N');
    expect(encodeField(42)).toBe('42');
    expect(encodeField(`quote ' and " and 🎮`)).toBe(`quote ' and " and 🎮`);
  });

  it('streams rows in ~64 KiB chunks instead of one string per batch or one write per row', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [`user-${i}`, 'goal', i] as const);
    let chunks = 0;
    let largest = 0;
    let total = 0;
    for (const chunk of copyTextChunks(rows, (r) => r)) {
      chunks++;
      largest = Math.max(largest, chunk.length);
      total += chunk.length;
    }
    expect(largest).toBeLessThan(64 * 1024 + 200);
    expect(largest).toBeGreaterThanOrEqual(64 * 1024);
    expect(total).toBeGreaterThan(30 * 64 * 1024);
    expect(chunks).toBeGreaterThan(30);
  });

  it('encodes lazily: no row is read before its chunk is asked for', () => {
    let read = 0;
    function* rows() {
      for (let i = 0; i < 1_000_000; i++) {
        read++;
        yield [`row-${i}`] as const;
      }
    }
    const iterator = copyTextChunks(rows(), (r) => r)[Symbol.iterator]();
    iterator.next();
    expect(read).toBeLessThan(10_000);
  });
});
