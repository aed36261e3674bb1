-- A record nobody can rewrite quietly (issue 18, ADR 025 and ADR 026).
--
-- The application connects as a role that owns nothing (scripts/lib/db-roles.mjs grants it its
-- rights): it may append and seal audit entries, but it has no write right on AuditCheckpoint and
-- AuditArchive and no DELETE on AuditEntry. The two functions below are the only way it records a
-- checkpoint or an archive; they run as the owner (SECURITY DEFINER) and check what they are
-- given against the live chain, so they cannot be used to record anything the chain does not say.

-- Checkpoints are signed with an Ed25519 key that is not in the database (AUDIT_SIGNING_KEY);
-- keyId names the key (the first 16 hex characters of sha256 of its public key, SPKI DER).
ALTER TABLE "AuditCheckpoint" ADD COLUMN "signature" TEXT, ADD COLUMN "keyId" TEXT;

CREATE OR REPLACE FUNCTION baton_audit_checkpoint(p_index bigint, p_hash text, p_signature text, p_key_id text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  live_hash text;
  newest bigint;
  new_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(424242002);
  SELECT "hash" INTO live_hash FROM "AuditEntry" WHERE "chainIndex" = p_index;
  IF live_hash IS NULL OR live_hash IS DISTINCT FROM p_hash THEN
    RAISE EXCEPTION 'checkpoint at % does not match the sealed chain', p_index USING ERRCODE = 'check_violation';
  END IF;
  SELECT max("chainIndex") INTO newest FROM "AuditCheckpoint";
  IF newest IS NOT NULL AND p_index <= newest THEN
    RAISE EXCEPTION 'checkpoint at % is not after the newest one (%)', p_index, newest USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO "AuditCheckpoint" ("chainIndex", "hash", "signature", "keyId", "createdAt")
  VALUES (p_index, p_hash, p_signature, p_key_id, (now() AT TIME ZONE 'UTC'))
  RETURNING "id" INTO new_id;
  RETURN new_id;
END;
$$;
REVOKE ALL ON FUNCTION baton_audit_checkpoint(bigint, text, text, text) FROM PUBLIC;

-- Retention: records the next archive (it must continue the previous one exactly, end on the live
-- entry's hash and cover every entry of its range), then deletes the archived entries. The file
-- itself is outside the database: verification checks it against fileSha256 and re-walks its chain.
CREATE OR REPLACE FUNCTION baton_audit_archive(p_from bigint, p_to bigint, p_last_hash text, p_count integer, p_location text, p_sha256 text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  expected_from bigint;
  live_last text;
  live_count bigint;
  new_id bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(424242003);
  SELECT COALESCE(max("toIndex"), 0) + 1 INTO expected_from FROM "AuditArchive";
  IF p_from IS DISTINCT FROM expected_from OR p_to < p_from THEN
    RAISE EXCEPTION 'an archive must start at chain index % (got %..%)', expected_from, p_from, p_to USING ERRCODE = 'check_violation';
  END IF;
  IF p_count IS DISTINCT FROM (p_to - p_from + 1) THEN
    RAISE EXCEPTION 'archive %..% must hold % entries (got %)', p_from, p_to, p_to - p_from + 1, p_count USING ERRCODE = 'check_violation';
  END IF;
  IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' OR p_location IS NULL OR length(p_location) = 0 THEN
    RAISE EXCEPTION 'an archive needs its file and the sha256 of it' USING ERRCODE = 'check_violation';
  END IF;
  SELECT "hash" INTO live_last FROM "AuditEntry" WHERE "chainIndex" = p_to;
  IF live_last IS NULL OR live_last IS DISTINCT FROM p_last_hash THEN
    RAISE EXCEPTION 'archive %..% does not end on the sealed chain', p_from, p_to USING ERRCODE = 'check_violation';
  END IF;
  SELECT count(*) INTO live_count FROM "AuditEntry" WHERE "chainIndex" BETWEEN p_from AND p_to;
  IF live_count <> p_count THEN
    RAISE EXCEPTION 'archive %..% covers % live entries, not %', p_from, p_to, live_count, p_count USING ERRCODE = 'check_violation';
  END IF;
  INSERT INTO "AuditArchive" ("fromIndex", "toIndex", "lastHash", "entryCount", "location", "fileSha256", "createdAt")
  VALUES (p_from, p_to, p_last_hash, p_count, p_location, p_sha256, (now() AT TIME ZONE 'UTC'))
  RETURNING "id" INTO new_id;
  PERFORM set_config('baton.audit_archive_upto', p_to::text, true);
  DELETE FROM "AuditEntry" WHERE "chainIndex" BETWEEN p_from AND p_to;
  PERFORM set_config('baton.audit_archive_upto', '', true);
  RETURN new_id;
END;
$$;
REVOKE ALL ON FUNCTION baton_audit_archive(bigint, bigint, text, integer, text, text) FROM PUBLIC;
