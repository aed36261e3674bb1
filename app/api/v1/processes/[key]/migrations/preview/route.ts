import { withApi } from "../../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { previewMigration } from "@/lib/engine/migration";

/** Which instances can move to the target version and why the others cannot. Changes nothing. */
export const POST = withApi<{ key: string }>(async ({ req, actor, params }) => previewMigration(actor, params.key, await readJson(req)), {
  permission: "processes:manage",
});
