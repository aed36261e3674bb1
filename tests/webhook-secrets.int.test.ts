// Review L5: webhook signing secrets are encrypted at rest like named secrets, only a fingerprint
// of them is ever shown, and rows stored in plaintext before are encrypted by the worker's sweep.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/service";
import { encryptWebhookSecrets, openWebhookSecret, webhookSecretFingerprint } from "@/lib/webhooks/secret";
import { db, makeTeam, uid } from "./helpers";

describe("webhook secrets at rest", () => {
  it("are stored encrypted, shown only as a fingerprint, and still sign deliveries", async () => {
    const team = await makeTeam();
    const created = await createWebhook(team.as.admin, { url: `https://hooks.example.com/${uid()}`, eventTypes: [] });
    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secret).toBeNull();
    expect(row.secretCiphertext).not.toBeNull();
    expect(Buffer.from(row.secretCiphertext!).toString("utf8")).not.toContain(created.secret.slice(6));
    expect(openWebhookSecret(row)).toBe(created.secret);
    // The hint is a fingerprint: no characters of the secret after its "whsec_" prefix.
    const shown = await getWebhook(team.as.admin, created.id);
    expect(shown.secretHint).toBe(`sha256:${webhookSecretFingerprint(created.secret)}`);
    expect(shown.secretHint).not.toContain(created.secret.slice(6, 10));
    // The decrypted secret verifies a signature made with the one handed out at creation.
    const payload = JSON.stringify({ ok: true });
    const signed = new Webhook(openWebhookSecret(row)).sign("msg_1", new Date(), payload);
    expect(signed.startsWith("v1,")).toBe(true);
    const rotated = await updateWebhook(team.as.admin, created.id, { rotateSecret: true });
    expect("secret" in rotated && rotated.secret).toBeTruthy();
    const after = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(after.secret).toBeNull();
    expect(openWebhookSecret(after)).toBe((rotated as { secret: string }).secret);
  });

  it("a secret stored in plaintext (before this change) is encrypted by the sweep", async () => {
    const team = await makeTeam();
    const created = await createWebhook(team.as.admin, { url: `https://hooks.example.com/${uid()}`, eventTypes: [] });
    // Put the row back the way the old code stored it.
    await db().$executeRawUnsafe(
      `UPDATE "WebhookEndpoint" SET "secret" = $1, "secretCiphertext" = NULL, "secretIv" = NULL, "secretAuthTag" = NULL, "secretKeyId" = NULL WHERE "id" = $2`,
      created.secret,
      created.id,
    );
    expect(await encryptWebhookSecrets()).toBeGreaterThanOrEqual(1);
    const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secret).toBeNull();
    expect(openWebhookSecret(row)).toBe(created.secret);
    expect(await encryptWebhookSecrets()).toBe(0);
  });
});
