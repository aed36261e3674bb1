import { withApi } from "../../_lib/with-api";
import { listSavedFilters, saveFilter } from "@/lib/saved-filters/service";
import { json, readJson } from "@/lib/http/responses";

export const GET = withApi(async ({ actor }) => listSavedFilters(actor), { permission: "tasks:read" });

export const POST = withApi(async ({ req, actor }) => json(await saveFilter(actor, await readJson(req)), { status: 201 }), { permission: "tasks:read" });
