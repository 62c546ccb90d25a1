import { defineConfig } from 'prisma/config';

// Prisma 7 takes the connection URL from here, not from the schema. `env()`
// would throw when DATABASE_URL is unset, which `prisma generate` does not need.
export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
