import { withApi } from "../../../_lib/with-api";
import { getMySettings, updateMySettings } from "@/lib/identity/service";
import { readJson } from "@/lib/http/responses";

export const GET = withApi(async ({ actor }) => getMySettings(actor));
export const PATCH = withApi(async ({ req, actor }) => updateMySettings(actor, await readJson(req)));
