import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { publishDecisionTable } from "@/lib/rules/service";

export const POST = withApi<{ key: string }>(
  async ({ req, actor, params }) => publishDecisionTable(actor, params.key, await readJson(req, { optional: true })),
  { permission: "rules:edit" },
);
