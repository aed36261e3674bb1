// Re-encrypts every named secret, webhook signing secret and TOTP secret (two-step sign-in) under the current
// BATON_SECRETS_KEY after a key rotation (the old key stays in BATON_SECRETS_KEY_PREVIOUS until this has run).
// Usage: npm run secrets:rekey
import { envOrExit } from "../lib/env";
import { disconnectDb } from "../lib/db";
import { reencryptSecrets } from "../lib/secrets/service";
import { encryptWebhookSecrets } from "../lib/webhooks/secret";
import { reencryptTotpSecrets } from "../lib/account/totp";

envOrExit();
reencryptSecrets()
  .then(async (r) => {
    console.log(`Re-encrypted ${r.reencrypted} secret(s); ${r.alreadyCurrent} already under the current key.`);
    // Webhook signing secrets use the same key (review L5): plaintext ones are encrypted too.
    console.log(`Encrypted ${await encryptWebhookSecrets()} webhook secret(s) under the current key.`);
    const totp = await reencryptTotpSecrets();
    console.log(`Re-encrypted ${totp.reencrypted} two-step sign-in secret(s); ${totp.alreadyCurrent} already under the current key.`);
  })
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  })
  .finally(() => void disconnectDb());
