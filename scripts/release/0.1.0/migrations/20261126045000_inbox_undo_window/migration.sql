-- AlterTable
ALTER TABLE "User" ADD COLUMN     "shortcutsEnabled" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "HeldDecision" (
    "taskId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "heldUntil" TIMESTAMP(3) NOT NULL,
    "heldBy" TEXT NOT NULL,
    "prevAssigneeId" TEXT,
    "prevClaimedAt" TIMESTAMP(3),
    "approvalId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HeldDecision_pkey" PRIMARY KEY ("taskId")
);

-- CreateIndex
CREATE INDEX "HeldDecision_heldUntil_idx" ON "HeldDecision"("heldUntil");

-- AddForeignKey
ALTER TABLE "HeldDecision" ADD CONSTRAINT "HeldDecision_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;
