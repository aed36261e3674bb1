import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { cancelInstance } from "@/lib/engine/service";

/** Cancels the instance (reason required): its pending steps stop and its open tasks are cancelled (audited as instance.cancelled). */
export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => cancelInstance(actor, params.id, await readJson(req)), {
  permission: "processes:manage",
});
