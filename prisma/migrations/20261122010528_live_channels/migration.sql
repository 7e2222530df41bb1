-- CreateEnum
CREATE TYPE "ChannelStatus" AS ENUM ('stopped', 'starting', 'running', 'stopping', 'error');

-- CreateEnum
CREATE TYPE "DesiredState" AS ENUM ('running', 'stopped');

-- CreateEnum
CREATE TYPE "PlaybackAccess" AS ENUM ('public', 'signed');

-- CreateEnum
CREATE TYPE "LogoAnchor" AS ENUM ('top_left', 'top_right', 'bottom_left', 'bottom_right');

-- CreateTable
CREATE TABLE "encoding_presets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "x264_preset" TEXT NOT NULL DEFAULT 'veryfast',
    "tune" TEXT DEFAULT 'zerolatency',
    "profile" TEXT NOT NULL DEFAULT 'high',
    "level" TEXT NOT NULL DEFAULT '4.1',
    "width" INTEGER,
    "height" INTEGER,
    "fps" INTEGER NOT NULL DEFAULT 25,
    "crf" INTEGER DEFAULT 23,
    "bitrate_kbps" INTEGER,
    "maxrate_kbps" INTEGER,
    "bufsize_kbps" INTEGER,
    "gop_seconds" INTEGER NOT NULL DEFAULT 2,
    "b_frames" INTEGER NOT NULL DEFAULT 0,
    "renditions" JSONB,
    "audio_bitrate_kbps" INTEGER NOT NULL DEFAULT 128,
    "audio_sample_rate" INTEGER NOT NULL DEFAULT 48000,
    "audio_channels" INTEGER NOT NULL DEFAULT 2,
    "built_in" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "encoding_presets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channels" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "status" "ChannelStatus" NOT NULL DEFAULT 'stopped',
    "desired_state" "DesiredState" NOT NULL DEFAULT 'stopped',
    "preset_id" UUID,
    "output" JSONB,
    "logo_upload_id" UUID,
    "logo_anchor" "LogoAnchor" NOT NULL DEFAULT 'top_right',
    "logo_x" INTEGER NOT NULL DEFAULT 24,
    "logo_y" INTEGER NOT NULL DEFAULT 24,
    "logo_width" INTEGER,
    "logo_height" INTEGER,
    "logo_opacity" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "hls_segment_seconds" INTEGER NOT NULL DEFAULT 2,
    "hls_list_size" INTEGER NOT NULL DEFAULT 6,
    "playback" "PlaybackAccess" NOT NULL DEFAULT 'public',
    "auto_restart" BOOLEAN NOT NULL DEFAULT true,
    "schedule" JSONB,
    "last_error" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_sources" (
    "id" UUID NOT NULL,
    "channel_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "channel_sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_events" (
    "id" BIGSERIAL NOT NULL,
    "channel_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "category" TEXT,
    "message" TEXT NOT NULL,
    "details" JSONB,

    CONSTRAINT "channel_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "original_name" TEXT NOT NULL,
    "stored_path" TEXT NOT NULL,
    "mime_type" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "encoding_presets_name_key" ON "encoding_presets"("name");

-- CreateIndex
CREATE UNIQUE INDEX "channels_slug_key" ON "channels"("slug");

-- CreateIndex
CREATE INDEX "channels_status_idx" ON "channels"("status");

-- CreateIndex
CREATE UNIQUE INDEX "channel_sources_channel_id_position_key" ON "channel_sources"("channel_id", "position");

-- CreateIndex
CREATE INDEX "channel_events_channel_id_at_idx" ON "channel_events"("channel_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "uploads_stored_path_key" ON "uploads"("stored_path");

-- AddForeignKey
ALTER TABLE "channels" ADD CONSTRAINT "channels_preset_id_fkey" FOREIGN KEY ("preset_id") REFERENCES "encoding_presets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channels" ADD CONSTRAINT "channels_logo_upload_id_fkey" FOREIGN KEY ("logo_upload_id") REFERENCES "uploads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_sources" ADD CONSTRAINT "channel_sources_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_events" ADD CONSTRAINT "channel_events_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Built-in encoding presets (seed 002: veryfast, zerolatency, CRF 23, high@4.1, keyframe every 2 s, no B-frames).
INSERT INTO "encoding_presets" ("id", "name", "description", "width", "height", "fps", "crf", "renditions", "built_in", "updated_at") VALUES
  (gen_random_uuid(), '720p30', '1280x720 at 30 fps, CRF 23: the default for most channels', 1280, 720, 30, 23, NULL, true, CURRENT_TIMESTAMP),
  (gen_random_uuid(), '1080p25', '1920x1080 at 25 fps, CRF 23', 1920, 1080, 25, 23, NULL, true, CURRENT_TIMESTAMP),
  (gen_random_uuid(), '1080p25 ladder', 'One decode, three renditions (1080p/720p/480p) behind a master playlist', 1920, 1080, 25, NULL,
   '[{"name":"1080p","width":1920,"height":1080,"bitrateKbps":5000,"maxrateKbps":5350,"bufsizeKbps":7500},{"name":"720p","width":1280,"height":720,"bitrateKbps":2800,"maxrateKbps":2996,"bufsizeKbps":4200},{"name":"480p","width":854,"height":480,"bitrateKbps":1400,"maxrateKbps":1498,"bufsizeKbps":2100}]'::jsonb,
   true, CURRENT_TIMESTAMP);
