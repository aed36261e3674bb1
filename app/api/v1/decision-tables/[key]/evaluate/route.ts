import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { evaluateDecision } from "@/lib/rules/service";

export const POST = withApi<{ key: string }>(async ({ req, actor, params }) => evaluateDecision(actor, params.key, await readJson(req)), { permission: "rules:edit" });
