-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "escalationLevel" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "escalationPolicy" JSONB,
ADD COLUMN     "nextEscalationAt" TIMESTAMP(3),
ADD COLUMN     "slaPausedAt" TIMESTAMP(3),
ADD COLUMN     "slaPausedMs" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "TaskEscalation" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "latenessMs" INTEGER NOT NULL,
    "firedBy" TEXT NOT NULL,
    "fromAssigneeId" TEXT,
    "toAssigneeId" TEXT,
    "toGroupId" TEXT,
    "outcome" TEXT,
    "note" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "TaskEscalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BusinessCalendar" (
    "groupId" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "workingDays" INTEGER[] DEFAULT ARRAY[1, 2, 3, 4, 5]::INTEGER[],
    "startMinute" INTEGER NOT NULL DEFAULT 540,
    "endMinute" INTEGER NOT NULL DEFAULT 1020,
    "holidays" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessCalendar_pkey" PRIMARY KEY ("groupId")
);

-- CreateIndex
CREATE INDEX "TaskEscalation_firedAt_idx" ON "TaskEscalation"("firedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TaskEscalation_taskId_level_key" ON "TaskEscalation"("taskId", "level");

-- CreateIndex
CREATE INDEX "Task_status_nextEscalationAt_idx" ON "Task"("status", "nextEscalationAt");

-- AddForeignKey
ALTER TABLE "TaskEscalation" ADD CONSTRAINT "TaskEscalation_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BusinessCalendar" ADD CONSTRAINT "BusinessCalendar_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
