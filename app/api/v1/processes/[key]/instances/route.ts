import { withApi } from "../../../../_lib/with-api";
import { json, readJson } from "@/lib/http/responses";
import { startInstance } from "@/lib/engine/service";

/** Starts an instance of the newest active version. Honours Idempotency-Key (withApi). */
export const POST = withApi<{ key: string }>(
  async ({ req, actor, params }) => {
    const instance = await startInstance(actor, params.key, await readJson(req, { optional: true }));
    return json(instance, { status: 201, headers: { location: `/api/v1/instances/${instance.id}` } });
  },
  { permission: "processes:manage" },
);
