import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { clearVersionSplit, getVersionSplit, setVersionSplit } from "@/lib/processes/split";

export const GET = withApi<{ key: string }>(async ({ actor, params }) => ({ split: await getVersionSplit(actor, params.key) }), { permission: "processes:manage" });

export const PUT = withApi<{ key: string }>(async ({ req, actor, params }) => setVersionSplit(actor, params.key, await readJson(req)), { permission: "processes:manage" });

export const DELETE = withApi<{ key: string }>(
  async ({ actor, params }) => {
    await clearVersionSplit(actor, params.key);
    return new Response(null, { status: 204 });
  },
  { permission: "processes:manage" },
);
