import { withApi } from "../../../_lib/with-api";
import { getDecisionTable, getDecisionTableXml } from "@/lib/rules/service";

/** The table with its versions, rules and test cases; `Accept: application/xml` (or `?format=dmn&version=N`) gives the DMN file. */
export const GET = withApi<{ key: string }>(
  async ({ req, actor, params }) => {
    const url = new URL(req.url);
    const wantsXml = url.searchParams.get("format") === "dmn" || /\b(application|text)\/xml\b/.test(req.headers.get("accept") ?? "");
    if (!wantsXml) return getDecisionTable(actor, params.key);
    const version = url.searchParams.get("version");
    const xml = await getDecisionTableXml(actor, params.key, version ? Number(version) || undefined : undefined);
    return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8", "content-disposition": `attachment; filename="${params.key}.dmn"` } });
  },
  { permission: "rules:edit" },
);
