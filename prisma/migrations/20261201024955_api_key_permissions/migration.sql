-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "permissions" TEXT[] DEFAULT ARRAY[]::TEXT[];
