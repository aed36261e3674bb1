-- CreateEnum
CREATE TYPE "DecisionTableStatus" AS ENUM ('DRAFT', 'PUBLISHED');

-- CreateTable
CREATE TABLE "DecisionTable" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "testCases" JSONB NOT NULL DEFAULT '[]',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DecisionTable_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "DecisionTableVersion" (
    "id" TEXT NOT NULL,
    "tableKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "DecisionTableStatus" NOT NULL DEFAULT 'DRAFT',
    "dmnXml" TEXT NOT NULL,
    "model" JSONB NOT NULL,
    "testCases" JSONB,
    "createdById" TEXT,
    "createdByName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedById" TEXT,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "DecisionTableVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DecisionTableVersion_tableKey_status_version_idx" ON "DecisionTableVersion"("tableKey", "status", "version");

-- CreateIndex
CREATE UNIQUE INDEX "DecisionTableVersion_tableKey_version_key" ON "DecisionTableVersion"("tableKey", "version");

-- AddForeignKey
ALTER TABLE "DecisionTableVersion" ADD CONSTRAINT "DecisionTableVersion_tableKey_fkey" FOREIGN KEY ("tableKey") REFERENCES "DecisionTable"("key") ON DELETE RESTRICT ON UPDATE CASCADE;
