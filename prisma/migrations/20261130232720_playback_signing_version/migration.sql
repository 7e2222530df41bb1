-- AlterTable
ALTER TABLE "channels" ADD COLUMN     "signing_version" INTEGER NOT NULL DEFAULT 1;
