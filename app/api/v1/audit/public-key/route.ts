import { defineRoute } from "@/app/api/_lib/define-route";
import { publishedAuditKeys } from "@/lib/audit/keys";
import { auditPublicKeysSchema } from "@/lib/audit/schemas";
import { json } from "@/lib/http/responses";

// Public on purpose (ADR 026): whoever holds an export, an archive or an anchored checkpoint can
// check its signatures without an account. A public key reveals nothing.
export const GET = defineRoute({
  operationId: "getAuditPublicKey",
  tags: ["audit"],
  summary: "The Ed25519 public keys that verify signed audit checkpoints",
  public: true,
  responses: { 200: { schema: auditPublicKeysSchema } },
  handler: async () => json(auditPublicKeysSchema.parse(publishedAuditKeys()), { headers: { "cache-control": "public, max-age=300" } }),
});
