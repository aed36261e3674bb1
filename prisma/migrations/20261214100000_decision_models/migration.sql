-- DMN models as versioned objects of their own (issue #23, ADR 054). Decision tables and their
-- versions are untouched: single-table uploads keep working as before.

-- CreateTable
CREATE TABLE "DecisionModel" (
    "key" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "testCases" JSONB NOT NULL DEFAULT '[]',
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DecisionModel_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "DecisionModelVersion" (
    "id" TEXT NOT NULL,
    "modelKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "DecisionTableStatus" NOT NULL DEFAULT 'DRAFT',
    "dmnVersion" TEXT NOT NULL,
    "dmnXml" TEXT NOT NULL,
    "graph" JSONB NOT NULL,
    "testCases" JSONB,
    "createdById" TEXT,
    "createdByName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedById" TEXT,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "DecisionModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DecisionModel_namespace_name_idx" ON "DecisionModel"("namespace", "name");

-- CreateIndex
CREATE INDEX "DecisionModelVersion_modelKey_status_version_idx" ON "DecisionModelVersion"("modelKey", "status", "version");

-- CreateIndex
CREATE UNIQUE INDEX "DecisionModelVersion_modelKey_version_key" ON "DecisionModelVersion"("modelKey", "version");

-- AddForeignKey
ALTER TABLE "DecisionModelVersion" ADD CONSTRAINT "DecisionModelVersion_modelKey_fkey" FOREIGN KEY ("modelKey") REFERENCES "DecisionModel"("key") ON DELETE RESTRICT ON UPDATE CASCADE;
