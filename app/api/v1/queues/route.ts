import { withApi } from "../../_lib/with-api";
import { queueHealth } from "@/lib/metrics/queue-health";

export const GET = withApi(async ({ actor }) => queueHealth(actor), { permission: "metrics:read" });
