import { withApi } from "../../_lib/with-api";
import { listNotifications } from "@/lib/notifications/service";

export const GET = withApi(async ({ actor }) => listNotifications(actor));
