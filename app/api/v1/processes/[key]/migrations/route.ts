import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { migrateInstances } from "@/lib/engine/migration";

/** Moves the picked instances to a newer version; each one changed since the preview is refused. Audited per instance. */
export const POST = withApi<{ key: string }>(async ({ req, actor, params }) => migrateInstances(actor, params.key, await readJson(req)), {
  permission: "processes:manage",
});
