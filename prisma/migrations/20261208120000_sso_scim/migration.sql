-- Single sign-on (OpenID Connect) and SCIM provisioning (issue #20): people linked to their
-- identity provider by issuer + subject, and the provider's own ids of people and groups. A
-- group's updatedAt versions it (SCIM ETag).
ALTER TABLE "User" ADD COLUMN "oidcIssuer" TEXT,
ADD COLUMN "oidcSubject" TEXT,
ADD COLUMN "externalId" TEXT;

ALTER TABLE "Group" ADD COLUMN "externalId" TEXT,
ADD COLUMN "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

CREATE UNIQUE INDEX "User_externalId_key" ON "User"("externalId");
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");
CREATE UNIQUE INDEX "Group_externalId_key" ON "Group"("externalId");
