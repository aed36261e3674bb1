import { withApi } from "../../_lib/with-api";
import { createApiToken, listApiTokens } from "@/lib/identity/service";
import { json, readJson } from "@/lib/http/responses";

export const GET = withApi(async ({ actor }) => listApiTokens(actor), { permission: "tokens:manage" });

export const POST = withApi(async ({ req, actor }) => json(await createApiToken(actor, await readJson(req)), { status: 201 }), {
  permission: "tokens:manage",
});
