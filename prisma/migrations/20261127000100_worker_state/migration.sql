-- CreateTable
CREATE TABLE "source_positions" (
    "source" VARCHAR(200) NOT NULL,
    "partition" VARCHAR(200) NOT NULL,
    "position" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_positions_pkey" PRIMARY KEY ("source","partition")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "source" VARCHAR(200) NOT NULL,
    "partition" VARCHAR(200) NOT NULL,
    "position" BIGINT NOT NULL,
    "goal_id" VARCHAR(100) NOT NULL DEFAULT '',
    "event_id" TEXT,
    "payload" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "error_code" VARCHAR(50) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex: goal_id '' stands for the whole event, so a replay after a crash
-- hits this key instead of dead-lettering the same event (or goal) twice.
CREATE UNIQUE INDEX "dead_letters_source_partition_position_goal_id_key" ON "dead_letters"("source", "partition", "position", "goal_id");
