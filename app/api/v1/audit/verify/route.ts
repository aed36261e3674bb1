import { withApi } from "../../../_lib/with-api";
import { runAuditVerification } from "@/lib/audit/service";

/** Verifies the audit hash chain end to end and reports the first broken entry, if any. */
export const POST = withApi(async ({ actor }) => runAuditVerification(actor), { permission: "audit:read" });
