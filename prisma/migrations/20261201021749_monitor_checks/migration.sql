-- CreateEnum
CREATE TYPE "CheckStatus" AS ENUM ('unknown', 'up', 'pending', 'degraded', 'down');

-- CreateTable
CREATE TABLE "monitor_checks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" TEXT NOT NULL DEFAULT '',
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "method" TEXT NOT NULL DEFAULT 'GET',
    "expected_statuses" INTEGER[],
    "keyword" TEXT,
    "cert_expiry_days" INTEGER,
    "interval_seconds" INTEGER NOT NULL,
    "timeout_ms" INTEGER NOT NULL,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "slow_ms" INTEGER,
    "status" "CheckStatus" NOT NULL DEFAULT 'unknown',
    "failures" INTEGER NOT NULL DEFAULT 0,
    "failing_since" TIMESTAMPTZ(3),
    "last_checked_at" TIMESTAMPTZ(3),
    "last_change_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "monitor_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_samples" (
    "id" BIGSERIAL NOT NULL,
    "check_id" UUID NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "CheckStatus" NOT NULL,
    "response_time_ms" INTEGER,
    "status_code" INTEGER,
    "error_message" TEXT,
    "cert_expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "check_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "uptime_records" (
    "id" BIGSERIAL NOT NULL,
    "check_id" UUID NOT NULL,
    "service_name" TEXT NOT NULL,
    "downtime_start" TIMESTAMPTZ(3) NOT NULL,
    "downtime_end" TIMESTAMPTZ(3),
    "downtime_duration" INTEGER,
    "reason" TEXT,

    CONSTRAINT "uptime_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "check_rollups" (
    "check_id" UUID NOT NULL,
    "resolution" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "up" INTEGER NOT NULL DEFAULT 0,
    "degraded" INTEGER NOT NULL DEFAULT 0,
    "down" INTEGER NOT NULL DEFAULT 0,
    "latency_sum_ms" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latency_max_ms" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "check_rollups_pkey" PRIMARY KEY ("check_id","resolution","bucket")
);

-- CreateIndex
CREATE UNIQUE INDEX "monitor_checks_name_key" ON "monitor_checks"("name");

-- CreateIndex
CREATE INDEX "check_samples_check_id_checked_at_idx" ON "check_samples"("check_id", "checked_at");

-- CreateIndex
CREATE INDEX "check_samples_checked_at_idx" ON "check_samples"("checked_at");

-- CreateIndex
CREATE INDEX "uptime_records_check_id_downtime_start_idx" ON "uptime_records"("check_id", "downtime_start");

-- CreateIndex
CREATE INDEX "check_rollups_resolution_bucket_idx" ON "check_rollups"("resolution", "bucket");

-- AddForeignKey
ALTER TABLE "check_samples" ADD CONSTRAINT "check_samples_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "monitor_checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uptime_records" ADD CONSTRAINT "uptime_records_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "monitor_checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "check_rollups" ADD CONSTRAINT "check_rollups_check_id_fkey" FOREIGN KEY ("check_id") REFERENCES "monitor_checks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
