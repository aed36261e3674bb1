import { withApi } from "../../../_lib/with-api";
import { revokeApiToken } from "@/lib/identity/service";

/** Revokes the token (kept for the audit trail, never deleted). */
export const DELETE = withApi<{ id: string }>(async ({ actor, params }) => revokeApiToken(actor, params.id), { permission: "tokens:manage" });
