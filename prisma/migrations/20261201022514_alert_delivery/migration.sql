-- CreateTable
CREATE TABLE "alert_receivers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_receivers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "alert_type" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "metric_value" DOUBLE PRECISION,
    "threshold_value" DOUBLE PRECISION,
    "is_resolved" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_outbox" (
    "id" BIGSERIAL NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "alert_id" UUID NOT NULL,
    "receiver_id" UUID NOT NULL,
    "transition" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enqueued_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "alert_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "outbox_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status_code" INTEGER,
    "reply" TEXT,
    "latency_ms" INTEGER,
    "error" TEXT,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "alert_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_receivers_name_key" ON "alert_receivers"("name");

-- CreateIndex
CREATE INDEX "alerts_fingerprint_is_resolved_idx" ON "alerts"("fingerprint", "is_resolved");

-- CreateIndex
CREATE UNIQUE INDEX "alert_outbox_idempotency_key_key" ON "alert_outbox"("idempotency_key");

-- CreateIndex
CREATE INDEX "alert_outbox_enqueued_at_idx" ON "alert_outbox"("enqueued_at");

-- CreateIndex
CREATE INDEX "alert_delivery_attempts_outbox_id_at_idx" ON "alert_delivery_attempts"("outbox_id", "at");

-- AddForeignKey
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_receiver_id_fkey" FOREIGN KEY ("receiver_id") REFERENCES "alert_receivers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_delivery_attempts" ADD CONSTRAINT "alert_delivery_attempts_outbox_id_fkey" FOREIGN KEY ("outbox_id") REFERENCES "alert_outbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;
