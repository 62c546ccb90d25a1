#!/usr/bin/env node
// Generates this app's own Prisma client from the repository's one schema
// (prisma/schema.prisma): the models are the same, only the generator's output
// differs, so the schema is copied with the output rewritten into
// src/generated/ (git-ignored) and `prisma generate` runs on the copy. An app
// must not import another package's generated client, and a second
// hand-written schema would drift.
//
// PRISMA_SCHEMA_ENGINE_BINARY points at a stub that exits 1: generate never
// needs the engine, which cannot be downloaded offline (TOOLCHAIN.md).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const sharedSchema = readFileSync(join(appDir, '../../prisma/schema.prisma'), 'utf8');
const generator = /generator client \{[^}]*\}/;
if (!generator.test(sharedSchema)) throw new Error('prisma/schema.prisma has no `generator client { … }` block to retarget');
const schema = sharedSchema.replace(
  generator,
  'generator client {\n  provider     = "prisma-client"\n  output       = "./prisma"\n  moduleFormat = "esm"\n}',
);
const outDir = join(appDir, 'src/generated');
mkdirSync(outDir, { recursive: true });
const schemaPath = join(outDir, 'schema.prisma');
writeFileSync(schemaPath, `// GENERATED from prisma/schema.prisma by scripts/generate-prisma-client.mjs — do not edit\n${schema}`);
execFileSync(join(appDir, 'node_modules/.bin/prisma'), ['generate', '--schema', schemaPath, '--config', join(appDir, 'prisma.config.ts')], {
  cwd: appDir,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: join(appDir, 'scripts/schema-engine-offline.sh'), CHECKPOINT_DISABLE: '1' },
});
