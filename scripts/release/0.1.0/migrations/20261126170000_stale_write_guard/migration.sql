-- A batched transaction's deferred guarded writes run as one statement (lib/sql-tx.ts, ADR 016):
-- when a guard matched no row, this raises, so the statement and all its writes roll back.
-- VOLATILE so it is only called when the CASE reaches it.
CREATE OR REPLACE FUNCTION baton_stale(what text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'stale write: %', what USING ERRCODE = 'BT409';
END
$$;
