-- A named secret declares the hosts it may be sent to (security review M6). Publishing a
-- definition that would send it to another host is refused, and the worker checks again at call
-- time. Existing secrets keep working: each gets the literal hosts of the ACTIVE definitions that
-- already use it (a secret used by none gets an empty list: it can be sent nowhere until an admin
-- names its hosts).
ALTER TABLE "Secret" ADD COLUMN "allowedHosts" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

UPDATE "Secret" s
SET "allowedHosts" = COALESCE((
  SELECT array_agg(DISTINCT h.host ORDER BY h.host)
  FROM (
    SELECT lower(substring(step->>'url' FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/@?#]*@)?([^/:?#{}]+)(?:[:/?#]|$)')) AS host
    FROM "ProcessDefinition" d, jsonb_array_elements((d."document")::jsonb -> 'steps') AS step
    WHERE d."status" = 'ACTIVE'
      AND step->>'kind' = 'http'
      AND (step->'headers')::text ~ ('\{\{\s*secrets\.' || s."name" || '\s*\}\}')
  ) h
  WHERE h.host IS NOT NULL
), ARRAY[]::TEXT[]);
