-- AlterTable
ALTER TABLE "encoding_presets" ADD COLUMN     "is_default" BOOLEAN NOT NULL DEFAULT false;

-- The built-in preset whose description already calls it the default for most channels.
UPDATE "encoding_presets" SET "is_default" = true WHERE "built_in" AND "name" = '720p30';
