import { withApi } from "../../../../../../_lib/with-api";
import { retryFailedJob } from "@/lib/metrics/queue-health";

export const POST = withApi<{ queue: string; id: string }>(async ({ actor, params }) => retryFailedJob(actor, params), { permission: "processes:manage" });
