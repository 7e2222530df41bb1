-- AlterTable
ALTER TABLE "channel_sources" ADD COLUMN     "secret_url" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "token_version" INTEGER NOT NULL DEFAULT 0;
