import { withApi } from "../../../_lib/with-api";
import { bulkAction } from "@/lib/tasks";
import { readJson } from "@/lib/http/responses";

// Each task succeeds or fails on its own: 200 with per-task results, even when some failed.
export const POST = withApi(async ({ req, actor }) => bulkAction(actor, await readJson(req)));
