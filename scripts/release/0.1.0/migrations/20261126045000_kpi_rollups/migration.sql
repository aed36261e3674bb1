-- CreateTable
CREATE TABLE "KpiInstanceDay" (
    "definitionId" TEXT NOT NULL,
    "processKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "started" INTEGER NOT NULL DEFAULT 0,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "reworked" INTEGER NOT NULL DEFAULT 0,
    "cycleCount" INTEGER NOT NULL DEFAULT 0,
    "cycleSumMs" BIGINT NOT NULL DEFAULT 0,
    "cycleHist" INTEGER[] DEFAULT ARRAY[]::INTEGER[],

    CONSTRAINT "KpiInstanceDay_pkey" PRIMARY KEY ("definitionId","day")
);

-- CreateTable
CREATE TABLE "KpiStepDay" (
    "definitionId" TEXT NOT NULL,
    "processKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "stepId" TEXT NOT NULL,
    "stepType" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "durationSumMs" BIGINT NOT NULL DEFAULT 0,
    "durationHist" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "handoffCount" INTEGER NOT NULL DEFAULT 0,
    "handoffSumMs" BIGINT NOT NULL DEFAULT 0,
    "handoffHist" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "tasks" INTEGER NOT NULL DEFAULT 0,
    "firstActionCount" INTEGER NOT NULL DEFAULT 0,
    "firstActionSumMs" BIGINT NOT NULL DEFAULT 0,
    "firstActionHist" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "slaTasks" INTEGER NOT NULL DEFAULT 0,
    "slaBreached" INTEGER NOT NULL DEFAULT 0,
    "escalated" INTEGER NOT NULL DEFAULT 0,
    "infoRequested" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "KpiStepDay_pkey" PRIMARY KEY ("definitionId","stepId","day")
);

-- CreateTable
CREATE TABLE "KpiDecisionDay" (
    "definitionId" TEXT NOT NULL,
    "processKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "stepId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "outcome" TEXT NOT NULL,
    "deciderId" TEXT NOT NULL,
    "deciderName" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "KpiDecisionDay_pkey" PRIMARY KEY ("definitionId","stepId","day","outcome","deciderId")
);

-- CreateTable
CREATE TABLE "KpiRollupState" (
    "name" TEXT NOT NULL,
    "watermark" TIMESTAMP(3) NOT NULL,
    "lastRunAt" TIMESTAMP(3) NOT NULL,
    "lastDurationMs" INTEGER NOT NULL,
    "daysRefreshed" INTEGER NOT NULL,

    CONSTRAINT "KpiRollupState_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "ProcessVersionSplit" (
    "processKey" TEXT NOT NULL,
    "versionA" INTEGER NOT NULL,
    "versionB" INTEGER NOT NULL,
    "percentB" INTEGER NOT NULL,
    "updatedById" TEXT,
    "updatedByName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProcessVersionSplit_pkey" PRIMARY KEY ("processKey")
);

-- CreateIndex
CREATE INDEX "KpiInstanceDay_day_idx" ON "KpiInstanceDay"("day");

-- CreateIndex
CREATE INDEX "KpiStepDay_day_idx" ON "KpiStepDay"("day");

-- CreateIndex
CREATE INDEX "KpiDecisionDay_day_idx" ON "KpiDecisionDay"("day");

-- CreateIndex
CREATE INDEX "ProcessInstance_startedAt_idx" ON "ProcessInstance"("startedAt");

-- CreateIndex
CREATE INDEX "ProcessInstance_endedAt_idx" ON "ProcessInstance"("endedAt");

-- CreateIndex
CREATE INDEX "StepRun_endedAt_idx" ON "StepRun"("endedAt");
