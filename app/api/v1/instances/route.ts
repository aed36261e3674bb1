import { withApi } from "../../_lib/with-api";
import { listInstances } from "@/lib/engine/service";

export const GET = withApi(async ({ req, actor }) => listInstances(actor, Object.fromEntries(new URL(req.url).searchParams)), {
  permission: "processes:manage",
});
