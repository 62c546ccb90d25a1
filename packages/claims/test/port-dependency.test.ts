import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('@goals/claims depends on the GoalRepository port, not on its PostgreSQL adapter', () => {
  it('has no runtime dependency on @goals/prisma-repo (only its tests and bench use it)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@goals/prisma-repo');
  });

  it('imports nothing from @goals/prisma-repo in src/', () => {
    const importing = sourceFiles(join(root, 'src')).filter((file) => readFileSync(file, 'utf8').includes("'@goals/prisma-repo'"));
    expect(importing).toEqual([]);
  });
});
