-- Issue #18 part 1 (ADR 021): every API token acts for an owner (a person or a service account).
CREATE TYPE "UserKind" AS ENUM ('PERSON', 'SERVICE');

ALTER TABLE "User" ADD COLUMN "kind" "UserKind" NOT NULL DEFAULT 'PERSON',
  ADD COLUMN "mayStartProcesses" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "mayPostEvents" TEXT[] DEFAULT ARRAY[]::TEXT[];

ALTER TABLE "ApiToken" ADD COLUMN "ownerId" TEXT;
-- Existing tokens act for the person who created them; tokens made by the CLI without an owner
-- stop authenticating until re-issued with --owner (documented in ADR 021).
UPDATE "ApiToken" SET "ownerId" = "createdById" WHERE "ownerId" IS NULL;

ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
