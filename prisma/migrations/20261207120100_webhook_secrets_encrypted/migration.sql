-- Webhook signing secrets encrypted at rest like named secrets (review L5): AES-256-GCM under
-- BATON_SECRETS_KEY (lib/secrets/crypto.ts), the key id beside it for rotations. The key is not in
-- the database, so existing plaintext secrets are encrypted by the application: the worker does it
-- when it starts, and `npm run secrets:rekey` does it too (lib/webhooks/secret.ts). Until then, and
-- on installations without BATON_SECRETS_KEY, "secret" keeps the plaintext.
-- "secretFingerprint" (16 hex characters of sha256 of the secret) is all the API and the audit log
-- ever show of it (the old hint showed 4 characters of the secret).
ALTER TABLE "WebhookEndpoint"
  ALTER COLUMN "secret" DROP NOT NULL,
  ADD COLUMN "secretCiphertext" BYTEA,
  ADD COLUMN "secretIv" BYTEA,
  ADD COLUMN "secretAuthTag" BYTEA,
  ADD COLUMN "secretKeyId" TEXT,
  ADD COLUMN "secretFingerprint" TEXT;

UPDATE "WebhookEndpoint" SET "secretFingerprint" = substr(encode(sha256(convert_to("secret", 'UTF8')), 'hex'), 1, 16);
ALTER TABLE "WebhookEndpoint" ALTER COLUMN "secretFingerprint" SET NOT NULL;
ALTER TABLE "WebhookEndpoint" ADD CONSTRAINT "WebhookEndpoint_secret_stored"
  CHECK ("secret" IS NOT NULL OR ("secretCiphertext" IS NOT NULL AND "secretIv" IS NOT NULL AND "secretAuthTag" IS NOT NULL AND "secretKeyId" IS NOT NULL));
