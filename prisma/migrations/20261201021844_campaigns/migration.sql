-- CreateEnum
CREATE TYPE "AdPlatform" AS ENUM ('meta', 'google');

-- CreateEnum
CREATE TYPE "CampaignPlatform" AS ENUM ('meta', 'google', 'manual');

-- CreateEnum
CREATE TYPE "AdAccountStatus" AS ENUM ('active', 'paused', 'error');

-- CreateTable
CREATE TABLE "ad_accounts" (
    "id" UUID NOT NULL,
    "platform" "AdPlatform" NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "timezone" TEXT NOT NULL,
    "status" "AdAccountStatus" NOT NULL DEFAULT 'active',
    "status_code" TEXT,
    "status_message" TEXT,
    "paused_until" TIMESTAMPTZ(3),
    "credentials" TEXT NOT NULL,
    "credentials_last4" TEXT NOT NULL,
    "conversion_action_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "customers" JSONB NOT NULL DEFAULT '[]',
    "pixel_id" TEXT NOT NULL,
    "backfill_since" DATE,
    "backfill_until" DATE,
    "backfill_cursor" DATE,
    "last_synced_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ad_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "id" UUID NOT NULL,
    "account_id" UUID,
    "platform" "CampaignPlatform" NOT NULL,
    "external_id" TEXT,
    "name" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "budget_micros" BIGINT,
    "daily_budget_micros" BIGINT,
    "start_date" DATE,
    "end_date" DATE,
    "status" TEXT NOT NULL DEFAULT 'active',
    "objective" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_metrics" (
    "id" BIGSERIAL NOT NULL,
    "campaign_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "impressions" BIGINT NOT NULL DEFAULT 0,
    "clicks" BIGINT NOT NULL DEFAULT 0,
    "spend_micros" BIGINT NOT NULL DEFAULT 0,
    "platform_conversions" DECIMAL(20,6) NOT NULL DEFAULT 0,
    "platform_revenue_micros" BIGINT NOT NULL DEFAULT 0,
    "tracked_conversions" INTEGER NOT NULL DEFAULT 0,
    "tracked_revenue_micros" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad_creatives" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "external_ad_id" TEXT,
    "name" TEXT NOT NULL,
    "creative_type" TEXT,
    "headline" TEXT,
    "description" TEXT,
    "call_to_action" TEXT,
    "destination_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ad_creatives_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "creative_metrics" (
    "id" BIGSERIAL NOT NULL,
    "creative_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "impressions" BIGINT NOT NULL DEFAULT 0,
    "clicks" BIGINT NOT NULL DEFAULT 0,
    "spend_micros" BIGINT NOT NULL DEFAULT 0,
    "platform_conversions" DECIMAL(20,6) NOT NULL DEFAULT 0,
    "platform_revenue_micros" BIGINT NOT NULL DEFAULT 0,
    "tracked_conversions" INTEGER NOT NULL DEFAULT 0,
    "tracked_revenue_micros" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "creative_metrics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tracking_links" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "account_id" UUID,
    "campaign_id" UUID,
    "creative_id" UUID,
    "destination_url" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tracking_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "clicks" (
    "id" BIGSERIAL NOT NULL,
    "click_id" TEXT NOT NULL,
    "link_id" UUID NOT NULL,
    "account_id" UUID,
    "campaign_id" UUID,
    "creative_id" UUID,
    "tracking_id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "utm_content" TEXT,
    "utm_term" TEXT,
    "fbclid" TEXT,
    "gclid" TEXT,
    "msclkid" TEXT,
    "ip_hash" TEXT,
    "user_agent" TEXT,
    "referrer" TEXT,
    "is_bot" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "clicks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversion_events" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID,
    "campaign_id" UUID,
    "creative_id" UUID,
    "click_id" TEXT,
    "tracking_id" TEXT,
    "session_id" TEXT,
    "type" TEXT NOT NULL,
    "value_micros" BIGINT NOT NULL DEFAULT 0,
    "currency" CHAR(3),
    "order_id" TEXT,
    "event_id" TEXT,
    "source" TEXT NOT NULL,
    "attributed_by" TEXT NOT NULL,
    "ip_hash" TEXT,
    "user_agent" TEXT,
    "referrer" TEXT,
    "landing_page" TEXT,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "utm_content" TEXT,
    "utm_term" TEXT,
    "fbclid" TEXT,
    "gclid" TEXT,
    "msclkid" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversion_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad_sync_runs" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "since" DATE NOT NULL,
    "until" DATE NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "api_calls" INTEGER NOT NULL DEFAULT 0,
    "rows_upserted" INTEGER NOT NULL DEFAULT 0,
    "rows_changed" INTEGER NOT NULL DEFAULT 0,
    "throttled_ms" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "ad_sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ad_accounts_pixel_id_key" ON "ad_accounts"("pixel_id");

-- CreateIndex
CREATE UNIQUE INDEX "ad_accounts_platform_external_id_key" ON "ad_accounts"("platform", "external_id");

-- CreateIndex
CREATE INDEX "campaigns_platform_idx" ON "campaigns"("platform");

-- CreateIndex
CREATE UNIQUE INDEX "campaigns_account_id_external_id_key" ON "campaigns"("account_id", "external_id");

-- CreateIndex
CREATE INDEX "campaign_metrics_date_idx" ON "campaign_metrics"("date");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_metrics_campaign_id_date_key" ON "campaign_metrics"("campaign_id", "date");

-- CreateIndex
CREATE UNIQUE INDEX "ad_creatives_campaign_id_external_ad_id_key" ON "ad_creatives"("campaign_id", "external_ad_id");

-- CreateIndex
CREATE UNIQUE INDEX "creative_metrics_creative_id_date_key" ON "creative_metrics"("creative_id", "date");

-- CreateIndex
CREATE UNIQUE INDEX "tracking_links_code_key" ON "tracking_links"("code");

-- CreateIndex
CREATE UNIQUE INDEX "clicks_click_id_key" ON "clicks"("click_id");

-- CreateIndex
CREATE INDEX "clicks_tracking_id_at_idx" ON "clicks"("tracking_id", "at");

-- CreateIndex
CREATE INDEX "clicks_campaign_id_at_idx" ON "clicks"("campaign_id", "at");

-- CreateIndex
CREATE INDEX "conversion_events_campaign_id_occurred_at_idx" ON "conversion_events"("campaign_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "conversion_events_account_id_type_order_id_key" ON "conversion_events"("account_id", "type", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "conversion_events_account_id_event_id_key" ON "conversion_events"("account_id", "event_id");

-- CreateIndex
CREATE INDEX "ad_sync_runs_account_id_started_at_idx" ON "ad_sync_runs"("account_id", "started_at");

-- AddForeignKey
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ad_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_metrics" ADD CONSTRAINT "campaign_metrics_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad_creatives" ADD CONSTRAINT "ad_creatives_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "creative_metrics" ADD CONSTRAINT "creative_metrics_creative_id_fkey" FOREIGN KEY ("creative_id") REFERENCES "ad_creatives"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clicks" ADD CONSTRAINT "clicks_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "tracking_links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad_sync_runs" ADD CONSTRAINT "ad_sync_runs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ad_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
