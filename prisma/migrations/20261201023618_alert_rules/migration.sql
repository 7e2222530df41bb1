-- AlterTable
ALTER TABLE "alert_outbox" ADD COLUMN     "group_key" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "payload" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "acknowledged_at" TIMESTAMPTZ(3),
ADD COLUMN     "acknowledged_by" TEXT,
ADD COLUMN     "group_key" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "notified_at" TIMESTAMPTZ(3),
ADD COLUMN     "resolved_notified_at" TIMESTAMPTZ(3),
ADD COLUMN     "rule_id" UUID,
ADD COLUMN     "suppressed" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "for_seconds" INTEGER NOT NULL DEFAULT 0,
    "severity" TEXT NOT NULL DEFAULT 'warning',
    "labels" JSONB NOT NULL DEFAULT '{}',
    "group_by" TEXT[],
    "group_wait_seconds" INTEGER NOT NULL DEFAULT 30,
    "group_interval_seconds" INTEGER NOT NULL DEFAULT 300,
    "repeat_interval_seconds" INTEGER NOT NULL DEFAULT 14400,
    "send_resolved" BOOLEAN NOT NULL DEFAULT true,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule_states" (
    "rule_id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "pending_since" TIMESTAMPTZ(3),
    "firing" BOOLEAN NOT NULL DEFAULT false,
    "alert_id" UUID,
    "last_value" DOUBLE PRECISION,
    "flap_history" INTEGER[],
    "flapping" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rule_states_pkey" PRIMARY KEY ("rule_id","fingerprint")
);

-- CreateTable
CREATE TABLE "alert_groups" (
    "key" TEXT NOT NULL,
    "rule_id" UUID NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "last_flush_at" TIMESTAMPTZ(3),
    "flushes" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "alert_groups_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "silences" (
    "id" UUID NOT NULL,
    "matchers" JSONB NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_windows" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "matchers" JSONB NOT NULL DEFAULT '[]',
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "cron" TEXT,
    "duration_minutes" INTEGER,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintenance_windows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_event_log" (
    "event_id" TEXT NOT NULL,
    "channel_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT,
    "category" TEXT,
    "message" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channel_event_log_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_name_key" ON "alert_rules"("name");

-- CreateIndex
CREATE INDEX "silences_ends_at_idx" ON "silences"("ends_at");

-- CreateIndex
CREATE INDEX "channel_event_log_channel_id_at_idx" ON "channel_event_log"("channel_id", "at");

-- CreateIndex
CREATE INDEX "channel_event_log_at_idx" ON "channel_event_log"("at");

-- CreateIndex
CREATE INDEX "alerts_group_key_is_resolved_idx" ON "alerts"("group_key", "is_resolved");

-- AddForeignKey
ALTER TABLE "alert_rule_states" ADD CONSTRAINT "alert_rule_states_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
