-- CreateTable
CREATE TABLE "system_backups" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requested_by" TEXT,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "manifest_sha256" TEXT,
    "key_id" TEXT,
    "pg_server_version" TEXT,
    "pg_dump_version" TEXT,
    "app_version" TEXT,
    "schema_migration" TEXT,
    "offsite_state" TEXT NOT NULL DEFAULT 'off',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    "verified_at" TIMESTAMPTZ(3),

    CONSTRAINT "system_backups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_components" (
    "id" UUID NOT NULL,
    "backup_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "source_bytes" BIGINT NOT NULL DEFAULT 0,
    "sha256" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "backup_components_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "restore_history" (
    "id" UUID NOT NULL,
    "backup_id" UUID,
    "backup_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "requested_by" TEXT,
    "step" TEXT NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "result" TEXT,
    "error" TEXT,
    "restore_database" TEXT,
    "previous_database" TEXT,
    "switch_window_ms" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "restore_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_settings" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "schedule_cron" TEXT,
    "schedule_timezone" TEXT NOT NULL DEFAULT 'UTC',
    "verify_cron" TEXT,
    "keep_last" INTEGER NOT NULL DEFAULT 7,
    "keep_daily" INTEGER NOT NULL DEFAULT 7,
    "keep_weekly" INTEGER NOT NULL DEFAULT 4,
    "keep_monthly" INTEGER NOT NULL DEFAULT 6,
    "components" TEXT[] DEFAULT ARRAY['database', 'uploads', 'config']::TEXT[],
    "exclude_table_data" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "offsite_enabled" BOOLEAN NOT NULL DEFAULT false,
    "offsite" JSONB,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "system_backups_name_key" ON "system_backups"("name");

-- CreateIndex
CREATE INDEX "system_backups_status_started_at_idx" ON "system_backups"("status", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "backup_components_backup_id_kind_key" ON "backup_components"("backup_id", "kind");

-- CreateIndex
CREATE INDEX "restore_history_started_at_idx" ON "restore_history"("started_at");

-- AddForeignKey
ALTER TABLE "backup_components" ADD CONSTRAINT "backup_components_backup_id_fkey" FOREIGN KEY ("backup_id") REFERENCES "system_backups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restore_history" ADD CONSTRAINT "restore_history_backup_id_fkey" FOREIGN KEY ("backup_id") REFERENCES "system_backups"("id") ON DELETE SET NULL ON UPDATE CASCADE;
