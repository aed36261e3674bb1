import { withApi } from "../../../../../_lib/with-api";
import { removeFailedJob } from "@/lib/metrics/queue-health";

export const DELETE = withApi<{ queue: string; id: string }>(async ({ actor, params }) => removeFailedJob(actor, params), { permission: "processes:manage" });
