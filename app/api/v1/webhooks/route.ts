import { withApi } from "../../_lib/with-api";
import { createWebhook, listWebhooks } from "@/lib/webhooks/service";
import { json, readJson } from "@/lib/http/responses";

export const GET = withApi(async ({ actor }) => listWebhooks(actor), { permission: "webhooks:manage" });

/** The response carries the signing secret, once. */
export const POST = withApi(async ({ req, actor }) => json(await createWebhook(actor, await readJson(req)), { status: 201 }), { permission: "webhooks:manage" });
