import { withApi } from "../../_lib/with-api";
import { listCalendars } from "@/lib/sla/service";

export const GET = withApi(async ({ actor }) => listCalendars(actor));
