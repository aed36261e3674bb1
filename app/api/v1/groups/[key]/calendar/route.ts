import { withApi } from "../../../../_lib/with-api";
import { getCalendar, setCalendar } from "@/lib/sla/service";
import { json, readJson } from "@/lib/http/responses";

export const GET = withApi<{ key: string }>(async ({ actor, params }) => getCalendar(actor, params.key));

export const PUT = withApi<{ key: string }>(async ({ req, actor, params }) => json(await setCalendar(actor, params.key, await readJson(req))), {
  permission: "processes:manage",
});
