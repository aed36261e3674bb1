import { withApi } from "../../../_lib/with-api";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/service";
import { readJson } from "@/lib/http/responses";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => getWebhook(actor, params.id), { permission: "webhooks:manage" });

/** Change the URL, description, event types or active flag; `rotateSecret: true` returns a new secret once. */
export const PATCH = withApi<{ id: string }>(async ({ req, actor, params }) => updateWebhook(actor, params.id, await readJson(req)), { permission: "webhooks:manage" });

export const DELETE = withApi<{ id: string }>(async ({ actor, params }) => deleteWebhook(actor, params.id), { permission: "webhooks:manage" });
