-- CreateEnum
CREATE TYPE "VideoStatus" AS ENUM ('uploading', 'probing', 'queued', 'transcoding', 'ready', 'failed', 'rejected', 'cancelled');

-- CreateEnum
CREATE TYPE "VideoVisibility" AS ENUM ('public', 'private');

-- CreateEnum
CREATE TYPE "VideoVersionKind" AS ENUM ('hls', 'mp4', 'poster', 'sprite');

-- CreateEnum
CREATE TYPE "VideoVersionStatus" AS ENUM ('pending', 'ready', 'failed');

-- CreateTable
CREATE TABLE "videos" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "original_filename" TEXT NOT NULL,
    "status" "VideoStatus" NOT NULL DEFAULT 'uploading',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,
    "visibility" "VideoVisibility" NOT NULL DEFAULT 'public',
    "size_bytes" BIGINT NOT NULL,
    "sha256" TEXT,
    "container" TEXT,
    "duration_seconds" DOUBLE PRECISION,
    "width" INTEGER,
    "height" INTEGER,
    "fps" DOUBLE PRECISION,
    "video_codec" TEXT,
    "audio_codec" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "uploaded_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "ready_at" TIMESTAMPTZ(3),

    CONSTRAINT "videos_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "video_versions" (
    "id" UUID NOT NULL,
    "video_id" UUID NOT NULL,
    "kind" "VideoVersionKind" NOT NULL,
    "name" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "bitrate_kbps" INTEGER,
    "path" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "status" "VideoVersionStatus" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "video_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "video_pages" (
    "id" UUID NOT NULL,
    "video_id" UUID NOT NULL,
    "title" TEXT,
    "autoplay" BOOLEAN NOT NULL DEFAULT false,
    "loop" BOOLEAN NOT NULL DEFAULT false,
    "controls" BOOLEAN NOT NULL DEFAULT true,
    "muted" BOOLEAN NOT NULL DEFAULT false,
    "allowed_origins" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "video_pages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "video_analytics" (
    "video_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "plays" INTEGER NOT NULL DEFAULT 0,
    "unique_viewers" INTEGER NOT NULL DEFAULT 0,
    "watch_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "completions" INTEGER NOT NULL DEFAULT 0,
    "quality_seconds" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "video_analytics_pkey" PRIMARY KEY ("video_id","day")
);

-- CreateIndex
CREATE INDEX "videos_status_idx" ON "videos"("status");

-- CreateIndex
CREATE INDEX "videos_created_at_idx" ON "videos"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "video_versions_video_id_kind_name_key" ON "video_versions"("video_id", "kind", "name");

-- AddForeignKey
ALTER TABLE "video_versions" ADD CONSTRAINT "video_versions_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "video_pages" ADD CONSTRAINT "video_pages_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "video_analytics" ADD CONSTRAINT "video_analytics_video_id_fkey" FOREIGN KEY ("video_id") REFERENCES "videos"("id") ON DELETE CASCADE ON UPDATE CASCADE;
