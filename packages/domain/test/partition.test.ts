import { describe, expect, it } from 'vitest';
import { fnv1a32, partitionOfUser } from '../src/index.js';

// Reference values: the published FNV-1a test vectors ('', 'a', 'foobar') and
// an independent Python implementation for the UTF-8 cases.
describe('fnv1a32 / partitionOfUser', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
    ['user-00042', 0x8c3c2b59],
    ['jöran-😀', 0xa4ceb775],
  ])('hashes %j over its UTF-8 bytes', (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  it('takes the hash mod the partition count', () => {
    expect(partitionOfUser('foobar', 8)).toBe(0);
    expect(partitionOfUser('user-00042', 8)).toBe(1);
    expect(partitionOfUser('jöran-😀', 8)).toBe(5);
    expect(partitionOfUser('anything', 1)).toBe(0);
  });

  it('refuses a partition count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => partitionOfUser('u', bad)).toThrow(RangeError);
  });
});
