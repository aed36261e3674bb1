import { withApi } from "../../_lib/with-api";
import { searchAuditLog } from "@/lib/audit/service";

export const GET = withApi(async ({ req, actor }) => searchAuditLog(actor, Object.fromEntries(new URL(req.url).searchParams)), {
  permission: "audit:read",
});
