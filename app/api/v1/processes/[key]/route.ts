import { withApi } from "../../../_lib/with-api";
import { getProcess } from "@/lib/processes/service";

export const GET = withApi<{ key: string }>(async ({ actor, params }) => getProcess(actor, params.key), { permission: "processes:manage" });
