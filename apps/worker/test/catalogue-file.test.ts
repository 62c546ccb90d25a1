import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogueFile } from '../src/config/catalogue-file.js';

const catalogue = {
  challenges: [
    {
      id: 'c1',
      name: 'C1',
      goals: [{ id: 'g1', name: 'G1', type: 'absolute', eventSource: 'login', requirement: { statCode: 's', operator: '>=', targetValue: 1 }, reward: { type: 'ITEM', rewardId: 'r', quantity: 1 } }],
    },
  ],
};

describe('challenges.json (issue #8 item 11)', () => {
  it('accepts a UTF-8 byte-order mark at the start, as the event source does', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'goals-catalogue-')), 'challenges.json');
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(catalogue))]));
    expect((await loadCatalogueFile(path)).goal('g1')?.challengeId).toBe('c1');
  });
});
