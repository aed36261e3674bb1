import { withApi } from "../../../../_lib/with-api";
import { diffDecisionTable } from "@/lib/rules/service";

export const GET = withApi<{ key: string }>(async ({ actor, params }) => diffDecisionTable(actor, params.key), { permission: "rules:edit" });
