import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { replaceTestCases } from "@/lib/rules/service";

export const PUT = withApi<{ key: string }>(async ({ req, actor, params }) => replaceTestCases(actor, params.key, await readJson(req)), { permission: "rules:edit" });
