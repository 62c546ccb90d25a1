-- AlterTable
ALTER TABLE "source_positions" ADD COLUMN     "checkpoint" VARCHAR(100),
ADD COLUMN     "fingerprint" VARCHAR(100);

-- AlterTable
ALTER TABLE "dead_letters" ADD COLUMN     "payload_bytes" BIGINT,
ADD COLUMN     "payload_sha256" VARCHAR(64);

-- CreateIndex
CREATE INDEX "source_positions_fingerprint_idx" ON "source_positions"("fingerprint");
