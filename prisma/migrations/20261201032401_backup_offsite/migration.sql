-- AlterTable
ALTER TABLE "system_backups" ADD COLUMN     "offsite_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "offsite_error" TEXT,
ADD COLUMN     "offsite_next_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN     "offsite_retries" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "offsite_uploaded_at" TIMESTAMPTZ(3);
