import { withApi } from "../../../_lib/with-api";
import { fromZodError } from "@/lib/errors";
import { getProcess } from "@/lib/processes/service";
import { processDetailQuerySchema } from "@/lib/processes/schemas";

/** A process: versions, and the newest document (or `?version=N`'s). */
export const GET = withApi<{ key: string }>(
  async ({ req, actor, params }) => {
    const q = processDetailQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!q.success) throw fromZodError(q.error, "Query");
    return getProcess(actor, params.key, q.data.version);
  },
  { permission: "processes:manage" },
);
