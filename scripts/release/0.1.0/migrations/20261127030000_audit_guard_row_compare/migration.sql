-- The append-only guard as 20261126021734_audit_archive left it, same rules, cheaper UPDATE check:
-- sealing (chainIndex, hash, prevHash) is allowed once; any other change of an entry is refused;
-- DELETE only of archived, sealed entries inside a transaction that declared the archived range.
-- The content check compared two jsonb images of the row (to_jsonb(NEW) and to_jsonb(OLD), about
-- 20 µs a row, more than half of what sealing a row cost). It now compares the row itself with the
-- old one after copying the three sealing columns over: every column, present and future, still
-- takes part, at about 3 µs a row. ADR 017.
CREATE OR REPLACE FUNCTION baton_audit_guard() RETURNS trigger AS $$
DECLARE
  upto bigint;
  probe "AuditEntry";
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
    probe := NEW;
    probe."chainIndex" := OLD."chainIndex";
    probe."hash" := OLD."hash";
    probe."prevHash" := OLD."prevHash";
    IF probe IS DISTINCT FROM OLD THEN
      RAISE EXCEPTION 'audit entry % content cannot change', OLD.seq USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
