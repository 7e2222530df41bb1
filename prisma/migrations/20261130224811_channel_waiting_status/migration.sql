-- AlterEnum
ALTER TYPE "ChannelStatus" ADD VALUE 'waiting';

-- AlterTable
ALTER TABLE "channels" ADD COLUMN     "status_detail" TEXT,
ADD COLUMN     "status_since" TIMESTAMPTZ(3);
