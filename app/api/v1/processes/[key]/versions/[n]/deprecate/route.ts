import { withApi } from "../../../../../../_lib/with-api";
import { deprecateVersion } from "@/lib/processes/service";

export const POST = withApi<{ key: string; n: string }>(async ({ actor, params }) => deprecateVersion(actor, params.key, Number(params.n)), {
  permission: "processes:manage",
});
