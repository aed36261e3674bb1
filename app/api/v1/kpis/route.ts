import { withApi } from "../../_lib/with-api";
import { kpiDashboard } from "@/lib/kpi/service";

export const GET = withApi(async ({ req, actor }) => kpiDashboard(actor, Object.fromEntries(new URL(req.url).searchParams)), {
  permission: "metrics:read",
});
