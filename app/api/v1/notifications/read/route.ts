import { withApi } from "../../../_lib/with-api";
import { markNotificationsRead } from "@/lib/notifications/service";
import { readJson } from "@/lib/http/responses";

export const POST = withApi(async ({ req, actor }) => markNotificationsRead(actor, await readJson(req)));
