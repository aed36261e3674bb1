import { withApi } from "../../_lib/with-api";
import { createSecret, listSecrets } from "@/lib/secrets/service";
import { json, readJson } from "@/lib/http/responses";

/** Names and metadata of the named secrets; values are never returned. */
export const GET = withApi(async ({ actor }) => listSecrets(actor), { permission: "secrets:manage" });

export const POST = withApi(async ({ req, actor }) => json(await createSecret(actor, await readJson(req)), { status: 201 }), {
  permission: "secrets:manage",
});
