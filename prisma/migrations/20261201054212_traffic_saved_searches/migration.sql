-- CreateTable
CREATE TABLE "saved_searches" (
    "id" UUID NOT NULL,
    "owner" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "filters" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "saved_searches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "search_history" (
    "id" UUID NOT NULL,
    "owner" TEXT NOT NULL,
    "filters" JSONB NOT NULL,
    "result_count" INTEGER,
    "capped" BOOLEAN NOT NULL DEFAULT false,
    "executed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "search_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "saved_searches_owner_created_at_idx" ON "saved_searches"("owner", "created_at");

-- CreateIndex
CREATE INDEX "search_history_owner_executed_at_idx" ON "search_history"("owner", "executed_at");
