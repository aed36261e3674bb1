-- Logout and deactivation end sessions at once (issue #18): a person's sessions signed in before
-- "sessionsValidAfter" are refused, and a single session (its "sid" claim) is refused once it has
-- a row here. Both are read by the one query every signed-in request already makes.
ALTER TABLE "User" ADD COLUMN "sessionsValidAfter" TIMESTAMP(3);

CREATE TABLE "RevokedSession" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "revokedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RevokedSession_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "RevokedSession_expiresAt_idx" ON "RevokedSession"("expiresAt");
