-- The audit log is append-only. No role, the application's included, may delete an entry or
-- change its content. The only UPDATE allowed is sealing: setting chainIndex, hash and prevHash
-- once, on an entry that has none yet. See docs/decisions/003-audit-hash-chain.md.
CREATE OR REPLACE FUNCTION baton_audit_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
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

CREATE TRIGGER "AuditEntry_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION baton_audit_guard();

CREATE OR REPLACE FUNCTION baton_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (TRUNCATE)' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEntry_no_truncate"
  BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION baton_audit_no_truncate();
