-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "InstanceStatus" ADD VALUE 'COMPENSATING';
ALTER TYPE "InstanceStatus" ADD VALUE 'COMPENSATED';

-- AlterEnum
ALTER TYPE "StepRunStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "StepRun" ADD COLUMN     "branch" TEXT,
ADD COLUMN     "branchWrites" JSONB,
ADD COLUMN     "circuitHost" TEXT,
ADD COLUMN     "compensationOf" TEXT,
ADD COLUMN     "parallelRunId" TEXT;

-- CreateIndex
CREATE INDEX "StepRun_parallelRunId_idx" ON "StepRun"("parallelRunId");
