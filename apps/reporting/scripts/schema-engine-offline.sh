#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which the CLI would
# otherwise download on every command (impossible offline). `prisma generate`
# never needs the engine; anything that does (migrate, db push) must fail
# loudly — hence exit 1, never 0 (an engine that "succeeds" would make
# `prisma migrate deploy` report success while applying nothing).
echo "schema engine unavailable offline: apply migrations with @goals/database" >&2
exit 1
