import { withApi } from "../../../_lib/with-api";
import { deleteSecret, rotateSecret } from "@/lib/secrets/service";
import { readJson } from "@/lib/http/responses";

/** Rotates the secret: a new value (and optionally description); running steps use it from their next call. */
export const PUT = withApi<{ name: string }>(async ({ req, actor, params }) => rotateSecret(actor, params.name, await readJson(req)), {
  permission: "secrets:manage",
});

export const DELETE = withApi<{ name: string }>(async ({ actor, params }) => deleteSecret(actor, params.name), { permission: "secrets:manage" });
