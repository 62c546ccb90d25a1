import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here (scripts/generate-prisma-client.mjs passes
// the schema); migrations belong to @goals/database.
export default defineConfig({
  schema: 'src/generated/schema.prisma',
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
