-- CreateTable
CREATE TABLE "app_logs" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL,
    "level" INTEGER NOT NULL,
    "service" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "msg" TEXT NOT NULL,
    "req_id" TEXT,
    "method" TEXT,
    "url" TEXT,
    "status_code" INTEGER,
    "response_time_ms" INTEGER,
    "user_id" TEXT,
    "err_code" TEXT,
    "err_stack" TEXT,
    "meta" JSONB,
    "repeats" INTEGER NOT NULL DEFAULT 1,
    "record_key" TEXT NOT NULL,

    CONSTRAINT "app_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_metric_rollups" (
    "resolution" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "service" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "route" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "status_class" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "sum_ms" DOUBLE PRECISION NOT NULL,
    "max_ms" DOUBLE PRECISION NOT NULL,
    "buckets" JSONB NOT NULL,

    CONSTRAINT "api_metric_rollups_pkey" PRIMARY KEY ("resolution","bucket","service","instance","transport","route","method","status_class")
);

-- CreateTable
CREATE TABLE "external_alerts" (
    "fingerprint" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "external_alerts_pkey" PRIMARY KEY ("fingerprint")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_logs_record_key_key" ON "app_logs"("record_key");

-- CreateIndex
CREATE INDEX "app_logs_ts_idx" ON "app_logs"("ts");

-- CreateIndex
CREATE INDEX "app_logs_service_level_id_idx" ON "app_logs"("service", "level", "id");

-- CreateIndex
CREATE INDEX "api_metric_rollups_resolution_bucket_idx" ON "api_metric_rollups"("resolution", "bucket");

-- CreateIndex
CREATE INDEX "external_alerts_status_idx" ON "external_alerts"("status");
