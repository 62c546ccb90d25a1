-- CreateTable
CREATE TABLE "reporting_snapshot" (
    "id" INTEGER NOT NULL,
    "as_of" TIMESTAMPTZ(6) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "progress_rows" BIGINT NOT NULL,

    CONSTRAINT "reporting_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting_goal_counts" (
    "namespace" VARCHAR(100) NOT NULL,
    "challenge_id" VARCHAR(100) NOT NULL,
    "goal_id" VARCHAR(100) NOT NULL,
    "not_started_rows" INTEGER NOT NULL,
    "in_progress" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "claimed" INTEGER NOT NULL,
    "median_progress" INTEGER NOT NULL,

    CONSTRAINT "reporting_goal_counts_pkey" PRIMARY KEY ("namespace","challenge_id","goal_id")
);

-- CreateTable
CREATE TABLE "reporting_namespace_players" (
    "namespace" VARCHAR(100) NOT NULL,
    "players" INTEGER NOT NULL,

    CONSTRAINT "reporting_namespace_players_pkey" PRIMARY KEY ("namespace")
);

-- CreateTable
CREATE TABLE "reporting_daily_counts" (
    "namespace" VARCHAR(100) NOT NULL,
    "challenge_id" VARCHAR(100) NOT NULL,
    "goal_id" VARCHAR(100) NOT NULL,
    "day" DATE NOT NULL,
    "completions" INTEGER NOT NULL,
    "claims" INTEGER NOT NULL,

    CONSTRAINT "reporting_daily_counts_pkey" PRIMARY KEY ("namespace","challenge_id","goal_id","day")
);

-- CreateIndex
CREATE INDEX "reporting_daily_counts_day_idx" ON "reporting_daily_counts"("day");

-- CreateTable
-- Hand-edited: user_id is COLLATE "C" (Prisma's schema cannot say so) so that
-- the primary key's btree serves `LIKE 'prefix%'` whatever the database's
-- default collation is.
CREATE TABLE "reporting_players" (
    "user_id" VARCHAR(100) COLLATE "C" NOT NULL,
    "namespace" VARCHAR(100) NOT NULL,
    "goals" INTEGER NOT NULL,
    "in_progress" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "claimed" INTEGER NOT NULL,
    "last_updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "reporting_players_pkey" PRIMARY KEY ("user_id","namespace")
);

-- Hand-written below: roles and privileges, which the Prisma schema cannot express.

-- CreateRole: the reporting app's read-only login. Roles are cluster-wide, so
-- another database on the same server (a test database, a second environment)
-- may have created it already, possibly at this very moment: both cases are
-- "already there". No password is set here; the operator sets one
-- (ALTER ROLE goals_reporting PASSWORD '…'), or the server trusts the host.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'goals_reporting') THEN
        CREATE ROLE "goals_reporting" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- A second guard: every transaction of the role starts read-only. The
-- privileges below are what make writes impossible (SET can undo this one).
-- Only when missing: concurrent ALTER ROLEs from migrations of two databases
-- on one server can fail with "tuple concurrently updated".
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
        WHERE r.rolname = 'goals_reporting' AND s.setdatabase = 0
          AND 'default_transaction_read_only=on' = ANY (s.setconfig)
    ) THEN
        ALTER ROLE "goals_reporting" SET default_transaction_read_only = on;
    END IF;
END
$$;

-- Grant: SELECT on exactly what the reporting app reads, nothing else.
GRANT USAGE ON SCHEMA public TO "goals_reporting";
GRANT SELECT ON TABLE "user_goal_progress", "reporting_snapshot", "reporting_goal_counts",
    "reporting_namespace_players", "reporting_daily_counts", "reporting_players" TO "goals_reporting";

-- Revoke: before PostgreSQL 15 every role may CREATE in schema public; take
-- that away so the reporting role cannot run DDL there either. (15 and later
-- already start without it; their setting is left as it is.)
DO $$
BEGIN
    IF current_setting('server_version_num')::int < 150000 THEN
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    END IF;
END
$$;
