-- CreateEnum
CREATE TYPE "CommentKind" AS ENUM ('COMMENT', 'QUESTION', 'ANSWER');

-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "authorName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "kind" "CommentKind" NOT NULL DEFAULT 'COMMENT',
ADD COLUMN     "mentionedUserIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "infoRequestedAt" TIMESTAMP(3),
ADD COLUMN     "infoRequestedById" TEXT,
ADD COLUMN     "infoRequestedOfId" TEXT,
ADD COLUMN     "participantIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "Task_infoRequestedOfId_status_idx" ON "Task"("infoRequestedOfId", "status");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_infoRequestedOfId_fkey" FOREIGN KEY ("infoRequestedOfId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_infoRequestedById_fkey" FOREIGN KEY ("infoRequestedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
