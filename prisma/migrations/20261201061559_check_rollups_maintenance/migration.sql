-- AlterTable
ALTER TABLE "check_rollups" ADD COLUMN     "maintenance" INTEGER NOT NULL DEFAULT 0;
