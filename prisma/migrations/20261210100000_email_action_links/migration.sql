-- Deciding from the e-mail (ADR 044) and "nobody approves two steps of the same case" (issue #21).

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "excludedDeciderIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "EmailActionLink" (
    "id" TEXT NOT NULL,
    "notificationId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailActionLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EmailActionLink_taskId_idx" ON "EmailActionLink"("taskId");

-- CreateIndex
CREATE INDEX "EmailActionLink_userId_idx" ON "EmailActionLink"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "EmailActionLink_notificationId_action_key" ON "EmailActionLink"("notificationId", "action");

-- AddForeignKey
ALTER TABLE "EmailActionLink" ADD CONSTRAINT "EmailActionLink_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailActionLink" ADD CONSTRAINT "EmailActionLink_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailActionLink" ADD CONSTRAINT "EmailActionLink_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
