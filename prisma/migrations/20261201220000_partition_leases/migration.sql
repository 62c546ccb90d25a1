-- Workers sharing the partitions of a JetStream source (SPEC §4.3).
-- A partition's lease: owner NULL = free (given back). Every acquisition
-- increments epoch; a flush commits only if, in its own transaction, the row
-- still names the flushing worker with the epoch it acquired (fencing).
-- Expiry is always compared with the database clock, never a worker's.
-- CreateTable
CREATE TABLE "partition_leases" (
    "source" VARCHAR(200) NOT NULL,
    "partition" VARCHAR(200) NOT NULL,
    "owner" VARCHAR(200),
    "epoch" BIGINT NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "partition_leases_pkey" PRIMARY KEY ("source","partition")
);

-- Live workers of a source: a row whose expires_at is in the future. The fair
-- share of a worker is ceil(partitions / live workers).
-- CreateTable
CREATE TABLE "worker_heartbeats" (
    "source" VARCHAR(200) NOT NULL,
    "worker_id" VARCHAR(200) NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worker_heartbeats_pkey" PRIMARY KEY ("source","worker_id")
);
