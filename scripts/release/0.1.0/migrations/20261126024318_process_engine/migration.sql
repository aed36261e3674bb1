-- AlterTable
ALTER TABLE "EventReceipt" ADD COLUMN     "consumedAt" TIMESTAMP(3),
ADD COLUMN     "correlationKey" TEXT,
ADD COLUMN     "data" JSONB,
ADD COLUMN     "stepRunId" TEXT,
ADD COLUMN     "subject" TEXT;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "availableAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ProcessDefinition" ADD COLUMN     "createdByName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "deprecatedAt" TIMESTAMP(3),
ADD COLUMN     "startOn" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "ProcessInstance" ADD COLUMN     "currentStepId" TEXT,
ADD COLUMN     "startEventId" TEXT,
ADD COLUMN     "startedByName" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "attemptLog" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "attemptStartedAt" TIMESTAMP(3),
ADD COLUMN     "correlationKey" TEXT,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "timeoutAt" TIMESTAMP(3),
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "waitEventType" TEXT;

-- CreateIndex
CREATE INDEX "EventReceipt_type_correlationKey_consumedAt_idx" ON "EventReceipt"("type", "correlationKey", "consumedAt");

-- CreateIndex
CREATE INDEX "ProcessDefinition_key_status_version_idx" ON "ProcessDefinition"("key", "status", "version");

-- CreateIndex
CREATE INDEX "ProcessInstance_status_startedAt_idx" ON "ProcessInstance"("status", "startedAt");

-- CreateIndex
CREATE INDEX "StepRun_waitEventType_correlationKey_status_idx" ON "StepRun"("waitEventType", "correlationKey", "status");
