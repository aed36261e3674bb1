import { withApi } from "../../../../_lib/with-api";
import { listUnusedRules } from "@/lib/rules/service";

export const GET = withApi<{ key: string }>(
  async ({ req, actor, params }) => listUnusedRules(actor, params.key, Object.fromEntries(new URL(req.url).searchParams)),
  { permission: "rules:edit" },
);
