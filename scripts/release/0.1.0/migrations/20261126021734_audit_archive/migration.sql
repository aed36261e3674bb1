-- CreateTable
CREATE TABLE "AuditArchive" (
    "id" BIGSERIAL NOT NULL,
    "fromIndex" BIGINT NOT NULL,
    "toIndex" BIGINT NOT NULL,
    "lastHash" TEXT NOT NULL,
    "entryCount" INTEGER NOT NULL,
    "location" TEXT NOT NULL,
    "fileSha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditArchive_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditArchive_toIndex_key" ON "AuditArchive"("toIndex");

-- Archive records are append-only.
CREATE TRIGGER "AuditArchive_append_only"
  BEFORE UPDATE OR DELETE ON "AuditArchive"
  FOR EACH ROW EXECUTE FUNCTION baton_audit_checkpoint_guard();

-- Retention: the only DELETE the guard allows is of sealed entries that an archive record
-- already covers, inside a transaction that declared the archived range. Anything else is
-- refused as before; and since verification starts after the newest archive, deleting archived
-- rows cannot hide an edit to the rest of the chain.
CREATE OR REPLACE FUNCTION baton_audit_guard() RETURNS trigger AS $$
DECLARE
  upto bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    upto := NULLIF(current_setting('baton.audit_archive_upto', true), '')::bigint;
    IF upto IS NOT NULL AND OLD."chainIndex" IS NOT NULL AND OLD."chainIndex" <= upto
       AND EXISTS (SELECT 1 FROM "AuditArchive" a WHERE a."toIndex" >= OLD."chainIndex" AND a."fromIndex" <= OLD."chainIndex") THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (DELETE of seq %)', OLD.seq USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF OLD."hash" IS NOT NULL OR OLD."chainIndex" IS NOT NULL THEN
      RAISE EXCEPTION 'audit entry % is sealed and cannot change', OLD.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (to_jsonb(NEW) - 'chainIndex' - 'hash' - 'prevHash') IS DISTINCT FROM (to_jsonb(OLD) - 'chainIndex' - 'hash' - 'prevHash') THEN
      RAISE EXCEPTION 'audit entry % content cannot change', OLD.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
